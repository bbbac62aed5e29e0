"""JSON errors with a stable code: {"error": {"code", "message", "fields"?}}.

``exception_handler`` is DRF's (settings: EXCEPTION_HANDLER). ``server_error`` is Django's
``handler500``: an unexpected error under /api/ answers the same JSON, never a traceback.
``bad_request`` is Django's ``handler400`` (config/urls.py): a request Django refuses before or
around the view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host) answers
in the same JSON under /api/, and with Django's own page elsewhere.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def _first_code(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_code(detail[0])
    if isinstance(detail, dict) and detail:
        return _first_code(next(iter(detail.values())))
    return getattr(detail, "code", None) or "invalid"


def _suspicious_body(exc) -> dict:
    if isinstance(exc, RequestDataTooBig):
        return {"code": "request_too_large", "message": gettext("请求内容过大。")}
    if isinstance(exc, TooManyFieldsSent):
        return {"code": "too_many_fields", "message": gettext("请求包含的字段过多。")}
    return {"code": "bad_request", "message": gettext("请求无法处理。")}


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": _suspicious_body(exception)}, status=400, json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """Django's handler404: a URL under /api/ that no route matches (``items/1.5/``, ``items/abc/``
    — the router takes ids without dots or slashes) answers the API's JSON 404, as the
    schema documents, not the site's HTML page."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": gettext("不存在，或不在您的管辖范围内。")}
        return JsonResponse({"error": body}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's handler500: JSON under /api/, the site's 500 page elsewhere; never a traceback."""
    if request.path.startswith("/api/"):
        body = {"code": "server_error", "message": gettext("服务器内部错误，已记录，请稍后再试或联系系统管理员。")}
        return JsonResponse({"error": body}, status=500, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)


def exception_handler(exc, context):
    if isinstance(exc, SuspiciousOperation):  # raised while DRF reads the body (RequestDataTooBig)
        return Response({"error": _suspicious_body(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": exc.message}
        if exc.extra:
            body["fields"] = exc.extra
        return Response({"error": body}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": gettext("提交的数据有误。"), "fields": response.data}
    elif isinstance(exc, exceptions.Throttled):  # DRF has set Retry-After (whole seconds)
        wait = response.get("Retry-After")
        message = (gettext("请求过于频繁，请在 %(seconds)s 秒后再试。") % {"seconds": wait} if wait
                   else gettext("请求过于频繁，请稍后再试。"))
        body = {"code": "throttled", "message": message}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = {"code": _first_code(exc.detail) if hasattr(exc, "detail") else "error", "message": str(detail)}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body["code"] = "not_found"
    response.data = {"error": body}
    return response

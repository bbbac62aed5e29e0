"""JSON errors with a stable code: {"error": {"code", "message", "fields"?}}.

``exception_handler`` is DRF's (settings: EXCEPTION_HANDLER). ``bad_request`` is Django's
``handler400`` (config/urls.py): a request Django refuses before or around the view (a body
over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host) answers in the same JSON under
/api/, and with Django's own page elsewhere.
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
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = {"code": _first_code(exc.detail) if hasattr(exc, "detail") else "error", "message": str(detail)}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body["code"] = "not_found"
    response.data = {"error": body}
    return response

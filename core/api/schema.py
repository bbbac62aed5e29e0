"""OpenAPI (drf-spectacular): every operation documents the errors it can answer.

The error body is the one of core.api.exceptions, ``{"error": {"code", "message", "fields"?}}``.
Which statuses an operation can answer follows from what it is, so they are added here once
(settings: DEFAULT_SCHEMA_CLASS) instead of per view:

- 401 and 403 wherever a login is required (no or an invalid token; no role for the step);
- 404 for every operation on one row (``{id}``): outside the caller's jurisdiction too;
- 400 for writes (the input, a rule of the domain) and for lists (a wrong filter or page size);
- 409 for writes (a step not allowed in the row's current state, a duplicate);
- 429 wherever a rate limit applies (core/api/throttling.py: every operation).

An operation that declares one of these itself (``extend_schema(responses=…)``) keeps its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误代码，如 invalid、not_found、permission_denied、reason_required")
    message = serializers.CharField(help_text="给人看的说明")
    fields = serializers.DictField(required=False, help_text="按字段（或查询参数）列出的错误信息")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": _("请求有误：输入未通过校验，或业务规则不允许"),
    "401": _("未登录或令牌无效"),
    "403": _("没有执行该操作的角色或权限"),
    "404": _("不存在，或不在您的管辖范围内"),
    "409": _("与记录的当前状态冲突（如该状态下不能执行此步骤、编号重复）"),
    "429": _("请求过于频繁：超过速率限制，Retry-After 头给出需等待的秒数"),
}


def error_response(status: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=str(ERROR_DESCRIPTIONS[status]))


class AutoSchema(openapi.AutoSchema):
    def _error_statuses(self) -> list[str]:
        statuses = []
        write = self.method not in ("GET", "HEAD", "OPTIONS")
        if write or "{" not in self.path:  # a write, or a list (its filters, its page size)
            statuses.append("400")
        if not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            statuses += ["401", "403"]
        if "{" in self.path:
            statuses.append("404")
        if write:
            statuses.append("409")
        if self.view.get_throttles():  # core/api/throttling.py
            statuses.append("429")
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            if status not in responses:
                responses[status] = self._get_response_for_code(error_response(status), status, direction=direction)
        return dict(sorted(responses.items()))

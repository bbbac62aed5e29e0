"""``GET /api/v1/search/?q=…[&kind=…][&limit=…]``: the header search's hits as JSON, grouped by
kind, scoped to the caller like every list of the API (regions.permissions: 401 anonymous, 403
without membership). Bad input is a structured 400: ``query_required``, ``query_too_long``,
``query_invalid``, ``kind_unknown``, ``limit_invalid``."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..rules import QueryError, clean_query
from .serializers import SearchSerializer


def _kinds(raw: str) -> tuple[str, ...] | None:
    keys = tuple(k for k in (part.strip() for part in raw.split(",")) if k)
    unknown = [k for k in keys if k not in selectors.BY_KEY]
    if unknown:
        raise QueryError(gettext("未知的类别：%(kinds)s。可选：%(choices)s。") % {
            "kinds": ", ".join(unknown), "choices": ", ".join(selectors.BY_KEY)}, code="kind_unknown")
    return keys or None


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return selectors.DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= selectors.MAX_LIMIT:
        raise QueryError(gettext("limit 应为 1 至 %(max)d 之间的整数。") % {"max": selectors.MAX_LIMIT},
                         code="limit_invalid")
    return int(raw)


class SearchView(APIView):
    @extend_schema(
        summary="全局搜索",
        description="在调用者管辖范围内搜索事项、区划、办件（决定文号、申请人）、协议书、用地项目、人员、督查问题，按类别分组。",
        parameters=[
            OpenApiParameter("q", str, required=True, description="搜索内容（1 至 100 个字）"),
            OpenApiParameter("kind", str, description="只搜这些类别，逗号分隔：" + ", ".join(selectors.BY_KEY)),
            OpenApiParameter("limit", int, description=f"每类返回条数（默认 {selectors.DEFAULT_LIMIT}，最多 {selectors.MAX_LIMIT}）"),
        ],
        responses={200: SearchSerializer},
    )
    def get(self, request):
        text = clean_query(request.query_params.get("q"))
        kinds, limit = _kinds(request.query_params.get("kind", "")), _limit(request.query_params.get("limit"))
        groups = selectors.search(user=request.user, text=text, kinds=kinds, limit=limit)
        return Response({"query": text, "groups": [
            {"kind": g.kind.key, "label": str(g.kind.label), "count": g.count, "capped": g.capped,
             "results": [{"kind": h.kind, "id": h.id, "title": h.title, "subtitle": h.subtitle, "url": h.url}
                         for h in g.hits]}
            for g in groups]})

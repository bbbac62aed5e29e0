"""The history endpoint every detail resource gets: GET <detail>/history/."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.history import history_for


class HistoryMixin:
    """Adds ``history`` to a ModelViewSet; scoped because it goes through get_object()."""

    @extend_schema(responses={200: OpenApiResponse(description="变更历史：时间、操作人、前后值")})
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response([{**row, "at": row["at"].isoformat()} for row in history_for(obj)])

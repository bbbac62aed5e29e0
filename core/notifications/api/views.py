"""/api/v1/notifications/: the caller's own notices (anyone else's is 404) and marking them read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..models import Notification
from . import serializers as s


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Every user has notices, with or without a membership: authenticated is enough."""

    serializer_class = s.NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Notification.objects.none()  # for the schema; get_queryset is the user's own

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notification_list(user=self.request.user, unread=unread)

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="只列未读")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = services.notification_mark_read(notification=self.get_object(), actor=request.user)
        return Response(s.NotificationSerializer(notice).data)

    @extend_schema(request=None, responses=s.ReadAllResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(actor=request.user)})

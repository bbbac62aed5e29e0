"""REST API of oversight (read only for now), on core.api's ServiceViewSet: every list and row
through the scoped selectors (404 outside the jurisdiction), history on every row."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import ServiceViewSet

from .. import selectors
from ..models import AgendaLine, Evidence, Finding, FindingReply, LeadingGroup, Meeting
from . import serializers as s


@extend_schema_view(list=extend_schema(summary="领导小组列表"), retrieve=extend_schema(summary="领导小组"))
class LeadingGroupViewSet(ServiceViewSet):
    queryset = LeadingGroup.objects.all()
    serializer_class = s.LeadingGroupSerializer

    def get_scoped_queryset(self, user):
        return selectors.group_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="工作调度会列表（含议题）"), retrieve=extend_schema(summary="工作调度会"))
class MeetingViewSet(ServiceViewSet):
    queryset = Meeting.objects.all()
    serializer_class = s.MeetingSerializer

    def get_scoped_queryset(self, user):
        return selectors.meeting_list(user=user).prefetch_related(
            Prefetch("agenda", queryset=AgendaLine.objects.order_by("position"))).order_by("-month", "-id")


@extend_schema_view(list=extend_schema(summary="督查问题列表（含整改报告）"), retrieve=extend_schema(summary="督查问题"))
class FindingViewSet(ServiceViewSet):
    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer

    def get_scoped_queryset(self, user):
        replies = FindingReply.objects.order_by("submitted_on", "id").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        return selectors.finding_list(user=user).prefetch_related(Prefetch("replies", queryset=replies)).order_by(
            "due_on", "id")

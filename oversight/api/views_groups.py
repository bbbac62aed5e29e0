"""The office's writes on a leading group through the API (issue 14 §1), as a mixin of the groups
viewset (api/views.py: ``class LeadingGroupViewSet(GroupWriteMixin, ServiceViewSet)``):

- ``POST groups/{id}/members/``: a member (name, post, a department of the group's own
  government, role in the group) → services.member_add;
- ``POST groups/{id}/towns/``: a pilot town of the group's division the group steers →
  services.town_steer (a town outside, not a pilot, or already steered: 400 with the reason).

Each reads the group through the viewset's scope (404 outside), checks the write permission
(403 without the office's role) before any word on the input, validates it (400, field errors),
and answers 201 with the row written."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from . import serializers_groups as s


class GroupWriteMixin:
    def _group_write(self, request, input_class, output_class, service):
        group = self.get_object()  # 404 outside the scope; the object permission: 403 without the role
        data = self.parse_input(input_class, group)
        with transaction.atomic():
            row = service(group=group, actor=request.user, **data)
        return Response(output_class(row, context=self.get_serializer_context()).data, status=201)

    @extend_schema(summary="添加小组成员", request=s.MemberAddInput, responses={201: s.GroupMemberSerializer})
    @action(detail=True, methods=["post"], url_path="members", url_name="members")
    def members(self, request, pk=None):
        return self._group_write(request, s.MemberAddInput, s.GroupMemberSerializer, services.member_add)

    @extend_schema(summary="增加联系指导的试点镇", request=s.TownSteerInput, responses={201: s.SteeredTownSerializer})
    @action(detail=True, methods=["post"], url_path="towns", url_name="towns")
    def towns(self, request, pk=None):
        return self._group_write(request, s.TownSteerInput, s.SteeredTownSerializer, services.town_steer)

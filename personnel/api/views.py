"""REST API of personnel (read only), on core.api's ServiceViewSet: every list and row through
the scoped selectors (404 outside the jurisdiction), history on every row; a person's personal
data masked for the roles that may not see it in the person's town, in the row and in its history.
Writes go through the pages' services (issue 12 §8: the API reads)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ServiceViewSet
from core.history import history_for
from regions import scoping

from .. import rules_staffing, selectors_cadres, selectors_staffing
from ..models import (
    AdjustmentOpinion,
    EstablishmentApproval,
    HeadConsultation,
    Institution,
    Person,
    Post,
    Secondment,
    StationedUnit,
)
from . import serializers as s


@extend_schema_view(list=extend_schema(summary="在编人员列表（实名制）"), retrieve=extend_schema(summary="在编人员"))
class PersonViewSet(ServiceViewSet):
    """People of the towns' establishment; ID number, phone and birth date masked unless the
    caller is a clerk of the town, the office of its county or the administrator (by the caller's
    roles in the person's town, not by any of their roles)."""

    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer

    def get_scoped_queryset(self, user):
        return selectors_staffing.person_list(user=user).order_by("-id")

    @extend_schema(responses={200: OpenApiResponse(description="变更历史：时间、操作人、前后值（个人信息按角色脱敏）")})
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        person = self.get_object()
        rows = history_for(person)
        if not selectors_staffing.sees_personal_data(user=request.user, town=person.town):
            rows = rules_staffing.mask_history(rows)
        return Response([{**row, "at": row["at"].isoformat()} for row in rows])


@extend_schema_view(list=extend_schema(summary="内设机构列表"), retrieve=extend_schema(summary="内设机构"))
class InstitutionViewSet(ServiceViewSet):
    queryset = Institution.objects.all()
    serializer_class = s.InstitutionSerializer

    def get_scoped_queryset(self, user):
        return selectors_staffing.institution_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="岗位列表"), retrieve=extend_schema(summary="岗位"))
class PostViewSet(ServiceViewSet):
    queryset = Post.objects.all()
    serializer_class = s.PostSerializer

    def get_scoped_queryset(self, user):
        return selectors_staffing.post_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="编制批复列表"), retrieve=extend_schema(summary="编制批复"))
class ApprovalViewSet(ServiceViewSet):
    queryset = EstablishmentApproval.objects.all()
    serializer_class = s.ApprovalSerializer

    def get_scoped_queryset(self, user):
        return selectors_staffing.approval_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="挂职干部列表"), retrieve=extend_schema(summary="挂职"))
class SecondmentViewSet(ServiceViewSet):
    queryset = Secondment.objects.all()
    serializer_class = s.SecondmentSerializer

    def get_scoped_queryset(self, user):
        return selectors_cadres.secondment_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="派驻机构列表"), retrieve=extend_schema(summary="派驻机构"))
class StationedUnitViewSet(ServiceViewSet):
    queryset = StationedUnit.objects.all()
    serializer_class = s.StationedUnitSerializer

    def get_scoped_queryset(self, user):
        return selectors_cadres.stationed_unit_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="负责人任免事先征求意见列表"), retrieve=extend_schema(summary="事先征求意见"))
class ConsultationViewSet(ServiceViewSet):
    queryset = HeadConsultation.objects.all()
    serializer_class = s.ConsultationSerializer

    def get_scoped_queryset(self, user):
        return selectors_cadres.consultation_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="书面调整意见列表"), retrieve=extend_schema(summary="书面调整意见"))
class OpinionViewSet(ServiceViewSet):
    queryset = AdjustmentOpinion.objects.all()
    serializer_class = s.OpinionSerializer

    def get_scoped_queryset(self, user):
        return selectors_cadres.opinion_list(user=user).order_by("-id")


@extend_schema_view(list=extend_schema(summary="各镇机构编制使用情况"),
                    retrieve=extend_schema(summary="一个镇的机构编制使用情况表"))
class StaffingTableViewSet(viewsets.GenericViewSet):
    """Approved / filled / free per kind and institution, and the leadership posts, of a town in scope."""

    serializer_class = s.StaffingTableSerializer
    lookup_value_regex = "[0-9]+"  # a town's id; anything else is 404 before the lookup

    def get_queryset(self):
        return selectors_staffing.towns_with_establishment(user=self.request.user)

    def list(self, request):
        towns = self.paginate_queryset(self.get_queryset())  # the API's cursor pages, a town per row
        tables = [selectors_staffing.staffing_table(town=t) for t in towns]
        return self.get_paginated_response(s.StaffingTableSerializer(tables, many=True).data)

    def retrieve(self, request, pk=None):
        town = get_object_or_404(scoping.towns_visible(request.user), pk=pk)
        return Response(s.StaffingTableSerializer(selectors_staffing.staffing_table(town=town)).data)

"""l2's part of the landuse API (registered in landuse/api/urls.py): reclamations with their
acceptance workflow, the county's farmland balancing entries, and the farmland-balance table and
unbalanced towns as reads. Declared on core.api's ServiceViewSet: reads through landuse.selectors
(scoped), writes through one service each; nothing is deleted (DELETE: 405). Areas are taken as
text and read by landuse.rules, so "1.23456" or "-3" get the same words as on the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from core.api.viewsets import ServiceViewSet
from regions.choices import Role
from regions.models import Division
from regions.permissions import JurisdictionPermission

from .. import rules, selectors, services
from ..choices import BalancingSource, ReclamationKind, ReclamationStatus
from ..models import FarmlandBalancing, Reclamation, ReclamationAcceptance
from .permissions import StepRolePermission


def _year(params) -> int:
    return rules.parse_year(params.get("year") or timezone.localdate().year)


class AcceptanceSerializer(PlainModelSerializer):
    gain_mu = serializers.DecimalField(source="gain.amount_mu", max_digits=14, decimal_places=4, read_only=True)
    finance_record = serializers.IntegerField(source="subsidy_record_id", read_only=True)

    class Meta:
        model = ReclamationAcceptance
        fields = ["accepted_on", "document_number", "area_mu", "gain", "gain_mu", "finance_record", "subsidy_amount"]
        read_only_fields = fields


class ReclamationSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    town_name = serializers.CharField(source="town.name", read_only=True)
    kind = serializers.ChoiceField(choices=ReclamationKind.choices, label="类型")
    area_mu = serializers.CharField(label="申报新增耕地（亩）", help_text="亩，最多四位小数，如 120.5")
    applied_on = StrictDateField(label="申请验收日期")
    status = serializers.CharField(read_only=True, help_text="状态：" + "、".join(
        f"{v}（{t}）" for v, t in ReclamationStatus.choices))
    acceptance = serializers.SerializerMethodField()

    class Meta:
        model = Reclamation
        fields = ["id", "town", "town_name", "name", "kind", "location", "area_mu", "applied_on", "status",
                  "status_reason", "acceptance", "created_at"]
        read_only_fields = ["status", "status_reason", "created_at"]

    def get_acceptance(self, obj) -> dict | None:
        acceptance = getattr(obj, "acceptance", None) if hasattr(obj, "acceptance") else None
        return AcceptanceSerializer(acceptance).data if acceptance else None

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["area_mu"] = f"{obj.area_mu:.4f}"
        return data


class AcceptInput(PlainSerializer):
    accepted_on = StrictDateField(label="验收日期")
    document_number = serializers.CharField(label="验收文号", max_length=64)
    area_mu = serializers.CharField(label="核定新增耕地（亩）", required=False, allow_blank=True, default="",
                                    help_text="不填即按申报面积")


class ReasonInput(PlainSerializer):
    reason = serializers.CharField(label="理由", allow_blank=True)


class BalancingSerializer(PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="被统筹平衡的镇")
    source_town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="调出镇", required=False,
                                               allow_null=True, default=None)
    town_name = serializers.CharField(source="town.name", read_only=True)
    source = serializers.ChoiceField(choices=BalancingSource.choices, label="耕地来源")
    area_mu = serializers.CharField(label="统筹平衡耕地（亩）", help_text="亩，最多四位小数")
    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2199)

    class Meta:
        model = FarmlandBalancing
        fields = ["id", "town", "town_name", "year", "area_mu", "source", "source_town", "document_number",
                  "recorded_on", "note", "reverses", "reason", "created_at"]
        read_only_fields = ["recorded_on", "reverses", "reason", "created_at"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["area_mu"] = f"{obj.area_mu:.4f}"
        return data


class BalanceRowSerializer(serializers.Serializer):
    town = serializers.IntegerField(source="town.pk")
    town_name = serializers.CharField(source="town.name")
    year = serializers.IntegerField()
    carried_in = serializers.DecimalField(max_digits=14, decimal_places=4)
    occupied = serializers.DecimalField(max_digits=14, decimal_places=4)
    replaced = serializers.DecimalField(max_digits=14, decimal_places=4)
    balanced_in = serializers.DecimalField(max_digits=14, decimal_places=4)
    given_out = serializers.DecimalField(max_digits=14, decimal_places=4)
    balance = serializers.DecimalField(max_digits=14, decimal_places=4)
    shortfall = serializers.DecimalField(max_digits=14, decimal_places=4)
    balanced = serializers.BooleanField()


class CountyBalanceSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    county_name = serializers.CharField(source="county.name")
    year = serializers.IntegerField()
    occupied = serializers.DecimalField(max_digits=14, decimal_places=4)
    replaced = serializers.DecimalField(max_digits=14, decimal_places=4)
    from_outside = serializers.DecimalField(max_digits=14, decimal_places=4)
    balance = serializers.DecimalField(max_digits=14, decimal_places=4)
    balanced = serializers.BooleanField()
    rows = BalanceRowSerializer(many=True)


YEAR = OpenApiParameter("year", int, description="年度（默认今年）")


@extend_schema_view(list=extend_schema(summary="复垦项目列表"), retrieve=extend_schema(summary="复垦项目"),
                    create=extend_schema(summary="登记复垦项目"))
class ReclamationViewSet(ServiceViewSet):
    """Reclamations (复垦): registered pending; the county office accepts (the town gains the quota,
    finance records the subsidy, once) or refuses them."""

    queryset = Reclamation.objects.all()
    serializer_class = ReclamationSerializer
    create_service = services.reclamation_create
    # Acceptance is the county office's word: the clerk, who registers reclamations, gets 403
    # at these steps before the row is looked up (the service refuses the same, 403).
    permission_classes = [JurisdictionPermission, StepRolePermission]
    step_roles = {"accept": (Role.OFFICE,), "reject": (Role.OFFICE,)}
    actions = [
        WorkflowAction("accept", service=services.reclamation_accept, input=AcceptInput, summary="复垦验收通过",
                       object_argument="reclamation"),
        WorkflowAction("reject", service=services.reclamation_reject, input=ReasonInput, summary="复垦验收未通过",
                       object_argument="reclamation"),
    ]

    def get_scoped_queryset(self, user):
        return selectors.reclamation_list(user=user).select_related("acceptance__gain").order_by("-id")


@extend_schema_view(list=extend_schema(summary="占补平衡县级统筹列表"), retrieve=extend_schema(summary="占补平衡县级统筹"),
                    create=extend_schema(summary="登记占补平衡县级统筹"))
class FarmlandBalancingViewSet(ServiceViewSet):
    """County-level balancing entries (占补平衡县级统筹); ``balance`` and ``unbalanced`` read the
    farmland-balance table of a year."""

    queryset = FarmlandBalancing.objects.all()
    serializer_class = BalancingSerializer
    create_service = services.farmland_balancing_create
    service_object = "balancing"
    actions = [WorkflowAction("reverse", service=services.farmland_balancing_reverse, input=ReasonInput,
                              summary="冲销统筹平衡记录")]

    def get_scoped_queryset(self, user):
        return selectors.farmland_balancing_list(user=user).select_related("reversal").order_by("-id")

    @extend_schema(summary="耕地占补平衡表（按县、镇）", parameters=[YEAR],
                   responses={200: CountyBalanceSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def balance(self, request):
        rows = selectors.farmland_table(user=request.user, year=_year(request.query_params))
        return Response(CountyBalanceSerializer(rows, many=True).data)

    @extend_schema(summary="占补尚未平衡的镇", parameters=[YEAR], responses={200: BalanceRowSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def unbalanced(self, request):
        rows = selectors.farmland_unbalanced_list(user=request.user, year=_year(request.query_params))
        return Response(BalanceRowSerializer(rows, many=True).data)

"""Serializers of the landuse API. Areas are taken as text and read by landuse.rules (the services'
parser), so "-3", "1.23456", "abc" or a float gets the same refusal in the API as on a page: a
stable code and the Chinese message on the field. Each area is answered with its hectares beside."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from regions.models import Division

from .. import rules
from ..choices import GainKind, MovementKind, Pool, ProjectKind, ProjectStatus
from ..models import Allocation, Project, QuotaAccount, QuotaGain


def _choices_text(choices, label: str) -> serializers.CharField:
    """A choice documented as text listing its values (the enum names would collide across apps)."""
    return serializers.CharField(read_only=True, help_text=f"{label}：" + "、".join(
        f"{value}（{text}）" for value, text in choices))


def _area(label: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(label=label, help_text="亩，最多四位小数，如 120.5（1 公顷 = 15 亩）", **kwargs)


class HectaresMixin:
    """Every ``*_mu`` field answered as a string with four places, and ``*_ha`` beside it."""

    def to_representation(self, obj):
        data = super().to_representation(obj)
        for name in [k for k in data if k.endswith("_mu")]:
            value = getattr(obj, name, None)
            if value is not None:
                data[name] = f"{value:.4f}"
                data[name[:-3] + "_ha"] = f"{rules.mu_to_ha(value):.4f}"
        return data


class QuotaAccountSerializer(PlainModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    pool = _choices_text(Pool.choices, "指标类别")
    posted_mu = serializers.SerializerMethodField()
    reserved_mu = serializers.SerializerMethodField()
    available_mu = serializers.SerializerMethodField()
    available_ha = serializers.SerializerMethodField()

    class Meta:
        model = QuotaAccount
        fields = ["id", "division", "division_name", "year", "pool", "account", "posted_mu", "reserved_mu",
                  "available_mu", "available_ha"]
        read_only_fields = fields

    def get_posted_mu(self, obj) -> str:
        return f"{obj.account.balance.posted:.4f}"

    def get_reserved_mu(self, obj) -> str:
        return f"{obj.account.balance.pending_debits:.4f}"

    def get_available_mu(self, obj) -> str:
        return f"{obj.account.balance.available:.4f}"

    def get_available_ha(self, obj) -> str:
        return f"{rules.mu_to_ha(obj.account.balance.available):.4f}"


class AllocationSerializer(HectaresMixin, PlainModelSerializer):
    kind = _choices_text(MovementKind.choices, "类型")
    source_division = serializers.IntegerField(source="source.division_id", read_only=True, allow_null=True)
    source_pool = serializers.CharField(source="source.pool", read_only=True, allow_null=True)
    target_division = serializers.IntegerField(source="target.division_id", read_only=True)
    target_pool = serializers.CharField(source="target.pool", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "kind", "year", "source_division", "source_pool", "target_division", "target_pool",
                  "amount_mu", "document_number", "allocated_on", "memo", "posting", "reversal_posting",
                  "reversal_reason", "created_at"]
        read_only_fields = fields


class AllocationInput(PlainSerializer):
    """Quota moved: issued into a province (no source), allocated one level down, set aside within a
    division (pilot towns' share, 招拍挂), transferred between counties."""

    kind = serializers.ChoiceField(label="类型", choices=MovementKind.choices)
    year = serializers.IntegerField(label="指标年度", min_value=2000, max_value=2199)
    source = serializers.PrimaryKeyRelatedField(label="调出区划", queryset=Division.objects.all(), required=False,
                                                allow_null=True, default=None)
    source_pool = serializers.ChoiceField(label="调出指标类别", choices=Pool.choices, default=Pool.GENERAL)
    target = serializers.PrimaryKeyRelatedField(label="调入区划", queryset=Division.objects.all())
    target_pool = serializers.ChoiceField(label="调入指标类别", choices=Pool.choices, default=Pool.GENERAL)
    amount_mu = _area("面积（亩）")
    document_number = serializers.CharField(label="文号", max_length=64, required=False, default="", allow_blank=True)
    allocated_on = StrictDateField(label="下达日期", required=False, default=None, allow_null=True)
    memo = serializers.CharField(label="说明", max_length=500, required=False, default="", allow_blank=True)


class ReasonInput(PlainSerializer):
    reason = serializers.CharField(label="理由", allow_blank=True)


class QuotaGainSerializer(HectaresMixin, PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    town_name = serializers.CharField(source="town.name", read_only=True)
    kind = serializers.ChoiceField(label="来源", choices=GainKind.choices)
    amount_mu = _area("新增指标（亩）")
    accepted_on = StrictDateField(label="验收日期")
    source_key = serializers.CharField(label="来源标识", max_length=128, required=False,
                                       help_text="同一验收只计一次；不填则按验收文号生成")

    class Meta:
        model = QuotaGain
        fields = ["id", "town", "town_name", "year", "kind", "amount_mu", "accepted_on", "document_number", "basis",
                  "source_key", "posting", "created_at"]
        read_only_fields = ["posting", "created_at"]
        extra_kwargs = {"source_key": {"validators": []}}


class ProjectSerializer(HectaresMixin, PlainModelSerializer):
    town = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="镇")
    town_name = serializers.CharField(source="town.name", read_only=True)
    kind = serializers.ChoiceField(label="项目类型", choices=ProjectKind.choices)
    area_mu = _area("用地面积（亩）")
    quota_mu = _area("使用指标（亩）")
    farmland_mu = _area("占用耕地（亩）", required=False, default="0")
    status = _choices_text(ProjectStatus.choices, "状态")

    class Meta:
        model = Project
        fields = ["id", "town", "town_name", "year", "name", "kind", "area_mu", "quota_mu", "farmland_mu",
                  "in_industrial_zone", "outside_zone_reason", "flagged", "qualifying", "priority_reason",
                  "application_document", "applied_on", "approval_document", "approved_on", "status",
                  "status_reason", "reservation", "reservation_expires_on", "reservation_provisional", "draw",
                  "created_at"]
        read_only_fields = ["flagged", "applied_on", "approval_document", "approved_on", "status", "status_reason",
                            "reservation", "reservation_expires_on", "reservation_provisional", "draw", "created_at"]


class ProjectUpdateSerializer(ProjectSerializer):
    town = serializers.PrimaryKeyRelatedField(read_only=True)


class ExpiringQuery(PlainSerializer):
    """``?days=`` of the reservations about to lapse: a whole number of days, at most ten years."""

    days = serializers.IntegerField(label="天数", required=False, default=30, min_value=0, max_value=3660,
                                    help_text="多少天内到期（0–3660，默认 30）")


class SubmitInput(PlainSerializer):
    applied_on = StrictDateField(label="报批日期", required=False, default=None, allow_null=True)
    application_document = serializers.CharField(label="报批文号", max_length=64, required=False, default="",
                                                 allow_blank=True)


class ApprovalInput(PlainSerializer):
    approval_document = serializers.CharField(label="批准文号", max_length=64, allow_blank=True)
    approved_on = StrictDateField(label="批准日期", required=False, default=None, allow_null=True)


class FiguresSerializer(serializers.Serializer):
    received_mu = serializers.CharField(source="received")
    gained_mu = serializers.CharField(source="gained")
    given_mu = serializers.CharField(source="given")
    used_mu = serializers.CharField(source="used")
    reserved_mu = serializers.CharField(source="reserved")
    available_mu = serializers.CharField(source="available")


class TownYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    figures = FiguresSerializer()

"""Serializers of the catalogue API.

Detail serializers are ModelSerializers: they validate the input of a create (the service then
runs ``full_clean()``, so the API shares the model's rules) and render one row. Foreign keys
accept only rows the caller can see, so naming another town's division or item is a plain
"does not exist" (400) and leaks nothing.

The exercise-record list does not go through them: it is a lean list (core.api.lean) of
``.values()`` rows (``ExerciseRecordListSerializer``), the hot path of the API.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField, ServiceRequiredField
from core.api.lean import LeanListSerializer
from core.api.serializers import PlainModelSerializer, PlainSerializer
from core.deadlines import deadline_status
from personnel.models import Officer
from regions.models import Department, Division

from ..choices import BatchState, FilingState, ItemStatus, LimitUnit
from ..models import (
    Agreement,
    Assignment,
    Batch,
    ExerciseRecord,
    FilingDueRecomputed,
    Item,
    ItemStatusChange,
    Training,
)


def choice_values(choices) -> str:
    return "、".join(f"{value}（{label}）" for value, label in choices)


def second_choice_field(choices, *, help_text: str, **kwargs) -> serializers.CharField:
    """A second field over choices another field already names (to_status next to status,
    promised_limit_unit next to statutory_limit_unit).

    drf-spectacular would give the one enum two component names (a warning, and the schema
    check fails on warnings), so it is documented as a string listing the values. Input is
    still checked: the service's full_clean() validates the model field's choices.
    Declaring ENUM_NAME_OVERRIDES in settings would let these be enums again.
    """
    return serializers.CharField(help_text=f"{help_text}：{choice_values(choices)}", **kwargs)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- batches and items ------------------------------------------------------------------------
class BatchSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="公布机关所在区划")
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="按今天：open（待公布，可加入草稿事项）、published（已公布）、in_force（已施行）"
    )
    state_display = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = ["id", "division", "division_code", "division_name", "code", "name", "document_number", "published_on",
                  "effective_on", "state", "state_display", "created_at", "updated_at"]
        read_only_fields = ["published_on", "created_at", "updated_at"]
        # A taken code is refused by batch_create with a clear message, not DRF's stock one.
        extra_kwargs = {"code": {"validators": []}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_state(self, obj) -> str:
        return str(obj.state(timezone.localdate()))

    @extend_schema_field(OpenApiTypes.STR)
    def get_state_display(self, obj) -> str:
        return str(BatchState(obj.state(timezone.localdate())).label)


class ItemSerializer(PlainModelSerializer):
    department = ScopedPrimaryKeyRelatedField(queryset=Department.objects.all(), label="下放部门")
    department_code = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    batch_code = serializers.CharField(source="batch.code", read_only=True, allow_null=True, default=None)
    batch_name = serializers.CharField(source="batch.name", read_only=True, allow_null=True, default=None)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    filing_rule = serializers.SerializerMethodField(help_text="备案期限（中文），如“1个月”")
    promised_limit_unit = second_choice_field(LimitUnit.choices, required=False, label="承诺时限单位",
                                              help_text="承诺时限单位，取值同 statutory_limit_unit")

    class Meta:
        model = Item
        fields = [
            "id", "code", "name", "category", "category_display", "department", "department_code", "department_name",
            "legal_basis", "legal_article",
            "route_before_review", "route_before_approval", "route_before_filing",
            "route_after_review", "route_after_approval", "route_after_filing",
            "filing_body", "filing_deadline", "filing_rule",
            "statutory_limit", "statutory_limit_unit", "promised_limit", "promised_limit_unit",
            "spans_several_towns", "batch", "batch_code", "batch_name", "status", "status_display", "created_at", "updated_at",
        ]
        read_only_fields = ["batch", "status", "created_at", "updated_at"]
        # The code is unique: the model's full_clean() in the service reports a clash, once.
        extra_kwargs = {"code": {"validators": []}}

    def get_filing_rule(self, obj) -> str:
        return str(obj.filing_rule)


class ItemStatusChangeSerializer(PlainModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)
    from_status = second_choice_field(ItemStatus.choices, read_only=True, help_text="原状态")
    to_status = second_choice_field(ItemStatus.choices, read_only=True, help_text="新状态")

    class Meta:
        model = ItemStatusChange
        fields = ["id", "from_status", "to_status", "effective_on", "reason", "actor", "created_at"]


# --- agreements, assignments, trainings -------------------------------------------------------
class AgreementSerializer(PlainModelSerializer):
    department = ScopedPrimaryKeyRelatedField(queryset=Department.objects.all(), label="委托（下放）部门")
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="承接主体")
    department_code = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "number", "department", "department_code", "department_name", "division", "division_code",
                  "division_name",
                  "department_signatory", "receiver_signatory", "signed_on", "scan", "created_at", "updated_at"]
        read_only_fields = ["scan", "created_at", "updated_at"]
        extra_kwargs = {"number": {"validators": []}}


class AssignmentSerializer(PlainModelSerializer):
    item = ScopedPrimaryKeyRelatedField(queryset=Item.objects.all(), label="事项")
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="承接主体")
    agreement = ScopedPrimaryKeyRelatedField(
        queryset=Agreement.objects.all(), label="协议书", required=False, allow_null=True
    )
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    agreement_number = serializers.CharField(source="agreement.number", read_only=True, allow_null=True, default=None)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)
    takeover_status_display = serializers.CharField(source="get_takeover_status_display", read_only=True)
    agreement_pdf = serializers.SerializerMethodField(help_text="协议书 PDF")
    catalogue_pdf = serializers.SerializerMethodField(help_text="承接主体的下放事项目录公告 PDF")

    class Meta:
        model = Assignment
        fields = [
            "id", "item", "item_code", "item_name", "division", "division_code", "division_name", "mode", "mode_display",
            "receiving_unit", "agreement", "agreement_number", "assigned_on", "takeover_status", "takeover_status_display",
            "taken_over_on", "revoked_on", "agreement_pdf", "catalogue_pdf", "created_at", "updated_at",
        ]
        read_only_fields = ["takeover_status", "taken_over_on", "revoked_on", "created_at", "updated_at"]
        # One active assignment per (item, division): the service answers with its own 409.
        validators: list = []
        extra_kwargs = {"assigned_on": {"required": False}}

    @extend_schema_field(OpenApiTypes.URI)
    def get_agreement_pdf(self, obj) -> str:
        return _absolute(self.context.get("request"), reverse("delegation-api:assignment-agreement-pdf", args=[obj.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_catalogue_pdf(self, obj) -> str:
        path = reverse("delegation-api:assignment-catalogue-pdf") + f"?division={obj.division_id}"
        return _absolute(self.context.get("request"), path)


class TrainingSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="参训单位")
    department = ScopedPrimaryKeyRelatedField(queryset=Department.objects.all(), label="培训部门")
    items = ScopedPrimaryKeyRelatedField(queryset=Item.objects.all(), many=True, required=False, label="涉及事项")
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    item_codes = serializers.SlugRelatedField(source="items", slug_field="code", many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Training
        fields = ["id", "division", "division_code", "division_name", "department", "department_name", "kind",
                  "kind_display", "title", "held_on", "attendees", "items", "item_codes",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


# --- exercise records -------------------------------------------------------------------------
class ExerciseRecordSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="承接主体")
    item = ScopedPrimaryKeyRelatedField(queryset=Item.objects.all(), label="事项")
    officer = ScopedPrimaryKeyRelatedField(
        queryset=Officer.objects.all(), label="承办人", required=False, allow_null=True
    )
    division_name = serializers.CharField(source="division.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    officer_name = serializers.CharField(source="officer.name", read_only=True, allow_null=True, default=None)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    filing_state = serializers.SerializerMethodField()
    due_provisional = serializers.BooleanField(
        source="filing_due_provisional", read_only=True,
        help_text="备案期限为暂定：期间经过尚未录入节假日安排的年度，按周末推算，录入该年度后自动重算。",
    )

    class Meta:
        model = ExerciseRecord
        fields = [
            "id", "division", "division_code", "division_name", "item", "item_code", "item_name", "applicant", "received_on",
            "decided_on", "outcome", "outcome_display", "decision_number", "officer", "officer_name",
            "filing_due_on", "due_provisional", "filed_on", "filing_state",
            "filing_late_entry", "filing_recorded_on", "filing_receipt_number", "filing_receipt_scan",
            "created_at", "updated_at",
        ]
        read_only_fields = ["filing_due_on", "due_provisional", "filing_late_entry", "filing_recorded_on",
                            "filing_receipt_scan", "created_at", "updated_at"]
        # (division, decision_number) is unique: full_clean() in the service reports it, once.
        validators: list = []

    @extend_schema_field(serializers.ChoiceField(choices=FilingState.choices))
    def get_filing_state(self, obj) -> str:
        return str(deadline_status(obj.filing_due_on, obj.filed_on, timezone.localdate()))


# The columns of the lean list, and the names they carry in the JSON (the detail's names).
EXERCISE_RECORD_LIST_COLUMNS = (
    ("id", "id"), ("division_id", "division"), ("division__code", "division_code"), ("division__name", "division_name"),
    ("item_id", "item"), ("item__code", "item_code"), ("item__name", "item_name"), ("applicant", "applicant"),
    ("received_on", "received_on"), ("decided_on", "decided_on"), ("outcome", "outcome"),
    ("decision_number", "decision_number"), ("officer_id", "officer"), ("filing_due_on", "filing_due_on"),
    ("filing_due_provisional", "due_provisional"), ("filed_on", "filed_on"),
    ("filing_late_entry", "filing_late_entry"),
)


class ExerciseRecordListSerializer(LeanListSerializer):
    """One row of the exercise-record list, read as a ``.values()`` dict (core.api.lean).

    The declared fields document the shape (OpenAPI); DRF's per-field machinery costs more than
    the query itself on a 500-row page. Dates stay ``date`` objects: the JSON renderer writes
    them as ISO 8601, exactly as the detail does.
    """

    id = serializers.IntegerField(read_only=True)
    division = serializers.IntegerField(read_only=True)
    division_code = serializers.CharField(read_only=True)
    division_name = serializers.CharField(read_only=True)
    item = serializers.IntegerField(read_only=True)
    item_code = serializers.CharField(read_only=True)
    item_name = serializers.CharField(read_only=True)
    applicant = serializers.CharField(read_only=True)
    received_on = serializers.DateField(read_only=True)
    decided_on = serializers.DateField(read_only=True)
    outcome = serializers.ChoiceField(choices=ExerciseRecord._meta.get_field("outcome").choices, read_only=True)
    decision_number = serializers.CharField(read_only=True)
    officer = serializers.IntegerField(read_only=True, allow_null=True)
    filing_due_on = serializers.DateField(read_only=True)
    due_provisional = serializers.BooleanField(read_only=True)
    filed_on = serializers.DateField(read_only=True, allow_null=True)
    filing_state = serializers.ChoiceField(choices=FilingState.choices, read_only=True)
    filing_late_entry = serializers.BooleanField(read_only=True, help_text="补录：逾期后才登记、备案日期不晚于期限的备案")

    columns = EXERCISE_RECORD_LIST_COLUMNS

    @classmethod
    def finish(cls, rows: list[dict]) -> list[dict]:
        """Add ``filing_state`` as of today; no query, no model instance."""
        today = timezone.localdate()
        pending, overdue = FilingState.PENDING.value, FilingState.OVERDUE.value
        on_time, late = FilingState.ON_TIME.value, FilingState.LATE.value
        for row in rows:
            due, filed = row["filing_due_on"], row["filed_on"]
            # Same rule as core.deadlines.deadline_status, inlined: it runs 500 times a page.
            if filed is None:
                row["filing_state"] = overdue if today > due else pending
            else:
                row["filing_state"] = on_time if filed <= due else late
        return rows


class FilingDueRecomputedSerializer(PlainModelSerializer):
    """A provisional filing due date that moved when its year's holidays were entered."""

    decision_number = serializers.CharField(source="record.decision_number", read_only=True)
    division = serializers.IntegerField(source="record.division_id", read_only=True)
    division_name = serializers.CharField(source="record.division.name", read_only=True)
    actor_username = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = FilingDueRecomputed
        fields = ["id", "record", "decision_number", "division", "division_name", "year", "old_due_on", "new_due_on",
                  "still_provisional", "at", "actor_username"]
        read_only_fields = fields


# --- inputs of the workflow actions -----------------------------------------------------------
class ReasonInput(PlainSerializer):
    """Why, and from which day (default today). Required: the service refuses an empty reason
    (400 ``reason_required``), and the schema says so."""

    reason = ServiceRequiredField(max_length=500, label="理由")
    on = serializers.DateField(required=False, allow_null=True, default=None, label="生效日期")


class PublishInput(PlainSerializer):
    batch = ScopedPrimaryKeyRelatedField(queryset=Batch.objects.all(), label="批次")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="理由")


class BatchPublishInput(PlainSerializer):
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=64,
                                            label="文号", help_text="留空则用批次已有的文号")
    published_on = serializers.DateField(required=False, allow_null=True, default=None, label="公布日期",
                                         help_text="留空为今天")


class BatchAddItemsInput(PlainSerializer):
    items = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, label="草稿事项 id")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label="说明")


class TakeOverInput(PlainSerializer):
    on = serializers.DateField(required=False, allow_null=True, default=None, label="承接日期")


class FileInput(PlainSerializer):
    filed_on = serializers.DateField(required=False, allow_null=True, default=None, label="备案日期")
    filing_receipt_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64, label="备案回执编号",
        help_text="补录（逾期后登记、备案日期不晚于期限）时必填：受理部门的备案回执编号")


class CatalogueQuery(PlainSerializer):
    division = serializers.IntegerField(help_text="承接主体（镇）的 id")
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="目录日期，默认今天")

"""Forms of the catalogue pages. They parse input only: every write goes through a service,
whose ValidationError / ApplicationError messages the generic views put back on the form (``core.generic.errors.apply_error``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.deadlines import DeadlineRule
from core.messages import PlainMessagesFormMixin
from core.widgets import DateInput, QuickSelect
from personnel.models import Officer
from regions import scoping
from regions.models import Department

from . import selectors
from .choices import ItemStatus, Mode, Outcome, TakeOverStatus, TrainingKind
from .models import Agreement, Assignment, ExerciseRecord, Item, Training
from .services import ITEM_FIELDS


class BootstrapMixin(PlainMessagesFormMixin):
    """Bootstrap 5 classes on every widget, and messages that name the field (core.messages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


# --- items -----------------------------------------------------------------------------------
ITEM_FORM_FIELDS = [
    "code", "name", "category", "department", "legal_basis", "legal_article",
    "route_before_review", "route_before_approval", "route_before_filing",
    "route_after_review", "route_after_approval", "route_after_filing",
    "filing_body", "filing_deadline", "statutory_limit", "statutory_limit_unit",
    "promised_limit", "promised_limit_unit", "spans_several_towns",
]
assert set(ITEM_FORM_FIELDS) == ITEM_FIELDS


class ItemForm(BootstrapMixin, forms.ModelForm):
    """Create / edit an item; the department is one the user writes for."""

    class Meta:
        model = Item
        fields = ITEM_FORM_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scoping.scope(
            Department.objects.select_related("division").filter(is_active=True), user, scoping.CHANGE
        )
        if self.instance.pk and self.instance.status != ItemStatus.DRAFT:
            self.fields["code"].disabled = True  # published codes are frozen (item_update refuses)

    def clean_filing_deadline(self):
        # Accept the Chinese form ("1个月") and store the canonical one ("1M").
        value = self.cleaned_data["filing_deadline"]
        try:
            return DeadlineRule.parse(value).to_string()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class PublishForm(BootstrapMixin, forms.Form):
    """Publish a draft item: only open (not yet published) batches are offered."""

    batch = forms.ModelChoiceField(
        label=_("批次"), queryset=None, empty_label=_("请选择批次"),
        error_messages={"invalid_choice": _("该批次已公布或不在您的管辖范围内，请选择尚未公布的批次。"),
                        "required": _("请选择批次。")},
    )
    reason = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = selectors.batch_open_for_publishing(user=user)


# --- batches ---------------------------------------------------------------------------------
class BatchForm(BootstrapMixin, forms.Form):
    division = forms.ModelChoiceField(label=_("公布机关所在区划"), queryset=None, empty_label=None)
    code = forms.CharField(label=_("批次编号"), max_length=32, help_text=_("如 JX-2027-01"))
    name = forms.CharField(label=_("名称"), max_length=128, help_text=_("如 绩溪县向临溪镇下放第二批行政管理事项"))
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False, help_text=_("可在公布时填写"))
    effective_on = forms.DateField(label=_("施行日期"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = selectors.batch_divisions(user=user)


class BatchPublishForm(BootstrapMixin, forms.Form):
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    published_on = forms.DateField(label=_("公布日期"), required=False, widget=DateInput(), help_text=_("留空为今天"))


class BatchAddItemsForm(BootstrapMixin, forms.Form):
    items = forms.ModelMultipleChoiceField(
        label=_("草稿事项"), queryset=None, error_messages={"required": _("请选择要公布到该批次的事项。")},
    )
    reason = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, user, batch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = selectors.batch_draft_items(user=user, batch=batch)


class ReasonForm(BootstrapMixin, forms.Form):
    """Suspend / resume / withdraw / revoke: a reason is required (the service checks it too)."""

    reason = forms.CharField(label=_("理由"), max_length=500, error_messages={"required": _("请填写理由。")})
    on = forms.DateField(label=_("生效日期"), required=False, widget=DateInput(), help_text=_("留空为今天"))


# --- assignments and agreements --------------------------------------------------------------
class AssignmentForm(BootstrapMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("事项"), queryset=None)
    division = forms.ModelChoiceField(label=_("承接主体"), queryset=None)
    mode = forms.ChoiceField(label=_("方式"), choices=Mode.choices)
    assigned_on = forms.DateField(label=_("交办日期"), required=False, widget=DateInput(), help_text=_("留空为今天"))
    receiving_unit = forms.CharField(label=_("承接机构"), max_length=100, initial="便民服务中心")
    agreement = forms.ModelChoiceField(label=_("协议书"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.item_list(user=user).filter(
            status__in=[ItemStatus.PUBLISHED, ItemStatus.IN_FORCE]
        ).order_by("code")
        self.fields["division"].queryset = selectors.writable_towns(user=user, model=Assignment)
        self.fields["agreement"].queryset = selectors.agreement_list(user=user)


class TakeOverForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("承接日期"), required=False, widget=DateInput(), help_text=_("留空为今天"))


class AgreementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["number", "department", "division", "department_signatory", "receiver_signatory", "signed_on", "scan"]
        widgets = {"signed_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Granting departments: those of the catalogue the user writes; receivers: towns in scope.
        self.fields["department"].queryset = scoping.scope(
            Department.objects.select_related("division").filter(is_active=True), user, scoping.CHANGE
        )
        self.fields["division"].queryset = selectors.writable_towns(user=user, model=Assignment)


class AttachAgreementForm(BootstrapMixin, forms.Form):
    agreement = forms.ModelChoiceField(label=_("协议书"), queryset=None, empty_label=_("请选择协议书"))

    def __init__(self, *args, user, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = selectors.agreement_list(user=user)
        if assignment is not None:
            qs = qs.filter(division_id=assignment.division_id, department_id=assignment.item.department_id)
        self.fields["agreement"].queryset = qs


# --- exercise records ------------------------------------------------------------------------
class ExerciseRecordForm(BootstrapMixin, forms.Form):
    """A new exercise record. The item choices are the items the town has taken over."""

    model = ExerciseRecord  # labels of model errors on fields the form does not show

    division = forms.ModelChoiceField(label=_("承接主体"), queryset=None, empty_label=None, widget=QuickSelect)
    item = forms.ModelChoiceField(label=_("事项"), queryset=None, empty_label=_("请选择已承接的事项"), widget=QuickSelect)
    applicant = forms.CharField(label=_("申请人"), max_length=200)
    received_on = forms.DateField(label=_("受理日期"), widget=DateInput())
    decided_on = forms.DateField(label=_("办结（决定）日期"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices, widget=QuickSelect)
    decision_number = forms.CharField(label=_("决定文号"), max_length=64)
    officer = forms.ModelChoiceField(label=_("承办人"), queryset=None, required=False, empty_label=_("（无）"), widget=QuickSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = selectors.writable_towns(user=user)
        self.fields["division"].queryset = towns
        if len(self.fields["division"].queryset) == 1:
            self.fields["division"].initial = self.fields["division"].queryset[0].pk
            self.fields["division"].widget = forms.HiddenInput()
        elif not self.initial.get("division"):
            # several towns (the office): preselect the first that has taken items over, not the
            # first in code order, which may have nothing to record
            taken = Assignment.objects.filter(division__in=towns, takeover_status=TakeOverStatus.TAKEN_OVER)
            self.fields["division"].initial = towns.filter(pk__in=taken.values("division_id")).values_list(
                "pk", flat=True).first()
        self.fields["item"].queryset = selectors.record_items_for(divisions=towns)
        self.fields["item"].label_from_instance = lambda i: gettext("%(code)s %(name)s（备案期限%(rule)s）") % {
            "code": i.code, "name": i.name, "rule": i.filing_rule}
        self.fields["officer"].queryset = Officer.objects.filter(division__in=towns, is_active=True).order_by("name")


class FileRecordForm(BootstrapMixin, forms.Form):
    filed_on = forms.DateField(label=_("备案日期"), required=False, widget=DateInput(), help_text=_("留空为今天"))
    # 补录 (rules.prepare_filing): a filing recorded after the due date but dated on or before it.
    filing_receipt_number = forms.CharField(
        label=_("备案回执编号"), max_length=64, required=False,
        help_text=_("逾期后登记、备案日期不晚于期限的（补录），须填写受理部门的回执编号或上传回执扫描件"))
    filing_receipt_scan = forms.FileField(label=_("回执扫描件"), required=False, help_text=_("PDF 或图片"))

    def clean_filed_on(self):
        return self.cleaned_data.get("filed_on") or timezone.localdate()


# --- training --------------------------------------------------------------------------------
class TrainingForm(BootstrapMixin, forms.Form):
    division = forms.ModelChoiceField(label=_("参训单位"), queryset=None)
    department = forms.ModelChoiceField(label=_("培训部门"), queryset=None)
    kind = forms.ChoiceField(label=_("培训类型"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("培训主题"), max_length=200)
    held_on = forms.DateField(label=_("培训日期"), widget=DateInput())
    attendees = forms.IntegerField(label=_("参训人数"), min_value=0, initial=0)
    items = forms.ModelMultipleChoiceField(label=_("涉及事项"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = selectors.writable_towns(user=user, model=Training)
        self.fields["department"].queryset = scoping.scope(
            Department.objects.select_related("division").filter(is_active=True), user, scoping.CHANGE
        )
        self.fields["items"].queryset = selectors.item_list(user=user).exclude(status=ItemStatus.DRAFT).order_by("code")

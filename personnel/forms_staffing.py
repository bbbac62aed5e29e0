"""Forms of the establishment pages. They parse what was typed; the services decide (and the
model's clean(): the ID number's check digit), so a page, the API and the importer refuse alike."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import bootstrap
from regions import scoping

from .choices_staffing import (
    ApprovalDocumentKind,
    Education,
    EntryForm,
    EstablishmentKind,
    ExitForm,
    FundingForm,
    InstitutionNature,
    LeaderLevel,
    PlanLineAction,
    PoliticalStatus,
    PostRole,
    QuotaKind,
    Rank,
)
from .models import Institution, Post

DATE = forms.DateInput(attrs={"type": "date"})


class _Form(PlainMessagesFormMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "town" in self.fields:
            self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")
        if "post" in self.fields:
            self.fields["post"].queryset = scoping.scope(
                Post.objects.filter(is_active=True, institution__abolished_on__isnull=True)
                .select_related("institution"), user, "change").order_by("institution_id", "id")
        if "institution" in self.fields:
            self.fields["institution"].queryset = scoping.scope(
                Institution.objects.filter(abolished_on__isnull=True), user).order_by("town_id", "id")
        bootstrap(self)


class ApprovalForm(_Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    quota_kind = forms.ChoiceField(label=_("编制类别"), choices=QuotaKind.choices)
    delta = forms.IntegerField(label=_("增减数（名）"), help_text=_("增加为正数，核减为负数"))
    document_kind = forms.ChoiceField(label=_("批准文件类别"), choices=[
        c for c in ApprovalDocumentKind.choices if c[0] != ApprovalDocumentKind.PLAN])
    document_number = forms.CharField(label=_("批准文号"), max_length=64, help_text=_("如 绩编〔2010〕3号"))
    document_date = forms.DateField(label=_("批准日期"), widget=DATE)
    issued_by = forms.CharField(label=_("批准机关"), max_length=128)
    funding_form = forms.ChoiceField(label=_("经费形式"), choices=[("", "—"), *FundingForm.choices], required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class PlanForm(_Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    title = forms.CharField(label=_("方案名称"), max_length=128)
    reasons = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PlanLineForm(_Form):
    action = forms.ChoiceField(label=_("调整事项"), choices=PlanLineAction.choices)
    institution = forms.ModelChoiceField(label=_("机构"), queryset=None, required=False,
                                         help_text=_("调整或撤销时选择"))
    name = forms.CharField(label=_("机构名称"), max_length=64, required=False, help_text=_("新设机构时填写"))
    nature = forms.ChoiceField(label=_("机构性质"), choices=[("", "—"), *InstitutionNature.choices], required=False)
    is_key = forms.BooleanField(label=_("重要内设机构"), required=False)
    admin_posts = forms.IntegerField(label=_("行政编制（名）"), min_value=0, initial=0)
    public_posts = forms.IntegerField(label=_("事业编制（名）"), min_value=0, initial=0)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["institution"].queryset = self.fields["institution"].queryset.filter(town_id=plan.town_id)


class PlanApproveForm(_Form):
    approval_number = forms.CharField(label=_("批准文号"), max_length=64)
    approved_by = forms.CharField(label=_("批准机关"), max_length=128, initial=_("中共绩溪县委 绩溪县人民政府"))
    decided_on = forms.DateField(label=_("批复日期"), widget=DATE)


class PostForm(_Form):
    institution = forms.ModelChoiceField(label=_("内设机构"), queryset=None)
    title = forms.CharField(label=_("岗位名称"), max_length=64)
    kind = forms.ChoiceField(label=_("编制类型"), choices=EstablishmentKind.choices)
    role = forms.ChoiceField(label=_("岗位类别"), choices=PostRole.choices, initial=PostRole.STAFF)
    leader_level = forms.ChoiceField(label=_("领导职数"), choices=[("", "—"), *LeaderLevel.choices], required=False)


class PersonEnterForm(_Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    name = forms.CharField(label=_("姓名"), max_length=32)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=18,
                                help_text=_("18位，最后一位可为X"))
    birth_date = forms.DateField(label=_("出生日期"), widget=DATE)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=PoliticalStatus.choices)
    education = forms.ChoiceField(label=_("学历"), choices=Education.choices)
    post = forms.ModelChoiceField(label=_("岗位"), queryset=None)
    rank = forms.ChoiceField(label=_("职级"), choices=Rank.choices, initial=Rank.CLERK)
    entry_form = forms.ChoiceField(label=_("入编方式"), choices=EntryForm.choices)
    entry_document = forms.CharField(label=_("入编文号"), max_length=64)
    entry_date = forms.DateField(label=_("入编日期"), widget=DATE)


class PersonExitForm(_Form):
    exit_form = forms.ChoiceField(label=_("出编方式"), choices=ExitForm.choices)
    document_number = forms.CharField(label=_("文号"), max_length=64)
    document_date = forms.DateField(label=_("日期"), widget=DATE)


class PersonMoveForm(_Form):
    post = forms.ModelChoiceField(label=_("新岗位"), queryset=None)
    document_number = forms.CharField(label=_("文号"), max_length=64)
    document_date = forms.DateField(label=_("日期"), widget=DATE)


class PersonRankUpForm(_Form):
    rank = forms.ChoiceField(label=_("高配职级"), choices=[(Rank.DEPUTY_SECTION, Rank.DEPUTY_SECTION.label),
                                                          (Rank.DEPUTY_COUNTY, Rank.DEPUTY_COUNTY.label)])
    document_number = forms.CharField(label=_("任职文号"), max_length=64)
    document_date = forms.DateField(label=_("任职日期"), widget=DATE)


class PayrollForm(_Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)
    month = forms.DateField(label=_("月份"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"],
                            help_text=_("如 2013-12"))
    kind = forms.ChoiceField(label=_("编制类型"), choices=EstablishmentKind.choices)
    count = forms.IntegerField(label=_("发薪人数"), min_value=0)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

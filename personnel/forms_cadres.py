"""Forms of the secondment, stationed-unit, certificate and training pages. They parse what was
typed; the services (and the models' clean()) decide, so a page and the API refuse alike."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from regions import scoping
from regions.models import Department

from .models import AppraisalGrade, Coordination, Officer, Reply, UnitKind
from .models import TrainingKind as Kind


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class StyledForm(PlainMessagesFormMixin, forms.Form):
    """Bootstrap classes on every widget; messages that name the field (core.messages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def _towns(user):
    return scoping.towns_visible(user).order_by("code")


class SecondmentForm(StyledForm):
    town = forms.ModelChoiceField(label=_("挂职镇"), queryset=None)
    person_name = forms.CharField(label=_("姓名"), max_length=32)
    home_unit = forms.CharField(label=_("派出单位"), max_length=64)
    post = forms.CharField(label=_("挂任职务"), max_length=64)
    document_number = forms.CharField(label=_("挂职文号"), max_length=64)
    start_on = _date(_("挂职起始日"))
    end_on = _date(_("挂职期满日"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = _towns(user)


class SecondmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("提前结束日"))
    reason = forms.CharField(label=_("理由"), max_length=200)


class StationedUnitForm(StyledForm):
    town = forms.ModelChoiceField(label=_("所在镇"), queryset=None)
    department = forms.ModelChoiceField(label=_("主管部门"), queryset=None)
    name = forms.CharField(label=_("机构名称"), max_length=64)
    kind = forms.ChoiceField(label=_("类别"), choices=UnitKind.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = _towns(user)
        self.fields["department"].queryset = scoping.scope(Department.objects.select_related("division"), user).order_by(
            "division__path", "code")


class ConsultationRequestForm(forms.Form):
    candidate_name = forms.CharField(label=_("拟任人选"), max_length=32)
    proposed_post = forms.CharField(label=_("拟任职务"), max_length=64)
    request_document = forms.CharField(label=_("征求意见函文号"), max_length=64)
    requested_on = forms.DateField(label=_("发函日期"))


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(label=_("镇党委意见"), choices=Reply.choices)
    replied_on = forms.DateField(label=_("答复日期"))
    note = forms.CharField(label=_("答复说明"), max_length=500, required=False)


class CoordinateForm(forms.Form):
    outcome = forms.ChoiceField(label=_("协调结果"), choices=Coordination.choices)
    coordinated_on = forms.DateField(label=_("协调日期"))
    note = forms.CharField(label=_("协调说明"), max_length=500)


class AppointForm(forms.Form):
    document_number = forms.CharField(label=_("任命文号"), max_length=64)
    appointed_on = forms.DateField(label=_("任命日期"))


class OpinionForm(forms.Form):
    document_number = forms.CharField(label=_("意见文号"), max_length=64)
    opinion = forms.CharField(label=_("调整意见"), max_length=500)
    delivered_on = forms.DateField(label=_("送达部门日期"))


class OpinionHandleForm(forms.Form):
    handled_on = forms.DateField(label=_("办结日期"))
    handling = forms.CharField(label=_("办理结果"), max_length=500)


class AppraisalProposeForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2199)
    grade = forms.ChoiceField(label=_("镇提出等次"), choices=AppraisalGrade.choices)
    proposed_on = forms.DateField(label=_("提出日期"))


class AppraisalConfirmForm(forms.Form):
    grade = forms.ChoiceField(label=_("部门确定等次"), choices=AppraisalGrade.choices)
    confirmed_on = forms.DateField(label=_("确定日期"))


class CertificateForm(StyledForm):
    officer = forms.ModelChoiceField(label=_("持证人"), queryset=None)
    department = forms.ModelChoiceField(label=_("发证（委托）部门"), queryset=None)
    number = forms.CharField(label=_("证号"), max_length=64)
    valid_from = _date(_("有效期起"))
    valid_until = _date(_("有效期止"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoping.scope(Officer.objects.select_related("division"), user)
        self.fields["department"].queryset = Department.objects.select_related("division").order_by(
            "division__path", "code")


class RevokeForm(forms.Form):
    on = forms.DateField(label=_("吊销/注销日期"))
    reason = forms.CharField(label=_("理由"), max_length=500)


class TrainingForm(StyledForm):
    officer = forms.ModelChoiceField(label=_("执法人员"), queryset=None)
    department = forms.ModelChoiceField(label=_("组织部门"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=128)
    held_on = _date(_("日期"))
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, required=False)
    score = forms.DecimalField(label=_("考试成绩"), max_digits=5, decimal_places=1, required=False)
    passed = forms.NullBooleanField(label=_("合格"), required=False, widget=forms.Select(choices=[
        ("unknown", "—"), ("true", _("合格")), ("false", _("不合格"))]))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = scoping.scope(Officer.objects.select_related("division"), user)
        self.fields["department"].queryset = Department.objects.select_related("division").order_by(
            "division__path", "code")

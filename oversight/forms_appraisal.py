"""Forms of the appraisal pages; each is written by one service (services_appraisal), which decides
(the weights' sum, one appraisal per town and year, the freeze after 定档)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from core.widgets import DateInput, bootstrap
from regions import scoping

from . import selectors, selectors_appraisal
from .choices import GroupKind
from .models import Appraisal, Measure, UseKind

ROWS = 8  # indicator rows the set's form offers (blank ones are left out)
MEASURE_CHOICES = [("", _("人工评分")), *Measure.choices]


class _Form(PlainMessagesFormMixin, forms.Form):
    def __init__(self, *args, user=None, appraisal: Appraisal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.appraisal = user, appraisal
        self.setup()
        bootstrap(self, small=True)

    def setup(self) -> None:
        pass


class IndicatorSetForm(_Form):
    """The set and its indicators on one page: the service checks that the weights sum to 100."""

    group = forms.ModelChoiceField(label=_("领导小组"), queryset=None)
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=128)
    document_number = forms.CharField(label=_("印发文号"), max_length=64, required=False)
    excellent_from = forms.DecimalField(label=_("优秀分数线"), max_digits=5, decimal_places=2, initial=90)
    good_from = forms.DecimalField(label=_("良好分数线"), max_digits=5, decimal_places=2, initial=80)
    pass_from = forms.DecimalField(label=_("合格分数线"), max_digits=5, decimal_places=2, initial=60)

    def __init__(self, *args, indicator_set=None, **kwargs):
        self.indicator_set = indicator_set
        super().__init__(*args, **kwargs)

    def setup(self):
        groups = selectors.group_list(user=self.user).filter(kind=GroupKind.LEADING, is_active=True)
        self.fields["group"].queryset = scoping.scope(groups, self.user, scoping.CHANGE)
        if self.indicator_set is not None:  # editing: group and year stay
            self.fields["group"].disabled = self.fields["year"].disabled = True
        for i in range(1, ROWS + 1):
            self.fields[f"name_{i}"] = forms.CharField(label=_("指标名称"), max_length=128, required=False)
            self.fields[f"weight_{i}"] = forms.DecimalField(label=_("权重"), max_digits=5, decimal_places=2,
                                                            required=False)
            self.fields[f"measure_{i}"] = forms.ChoiceField(label=_("计算口径"), choices=MEASURE_CHOICES,
                                                            required=False)
            self.fields[f"rule_{i}"] = forms.CharField(label=_("评分标准"), max_length=300, required=False)

    def rows(self):
        """The indicator rows as bound fields, for the template's table."""
        return [(i, self[f"name_{i}"], self[f"weight_{i}"], self[f"measure_{i}"], self[f"rule_{i}"])
                for i in range(1, ROWS + 1)]

    def indicators(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for i in range(1, ROWS + 1):
            name, weight = (data.get(f"name_{i}") or "").strip(), data.get(f"weight_{i}")
            if not name and weight is None:
                continue
            out.append({"name": name, "weight": weight if weight is not None else "", "measure": data.get(f"measure_{i}") or "",
                        "rule": data.get(f"rule_{i}") or ""})
        return out

    @classmethod
    def initial_of(cls, indicator_set) -> dict:
        initial = {"group": indicator_set.group_id, "year": indicator_set.year, "name": indicator_set.name,
                   "document_number": indicator_set.document_number, "excellent_from": indicator_set.excellent_from,
                   "good_from": indicator_set.good_from, "pass_from": indicator_set.pass_from}
        for i, ind in enumerate(selectors_appraisal.indicators_of(indicator_set=indicator_set), start=1):
            initial.update({f"name_{i}": ind.name, f"weight_{i}": ind.weight, f"measure_{i}": ind.measure,
                            f"rule_{i}": ind.rule})
        return initial


class AppraisalStartForm(_Form):
    indicator_set = forms.ModelChoiceField(label=_("考核指标体系"), queryset=None)
    town = forms.ModelChoiceField(label=_("试点镇"), queryset=None)

    def setup(self):
        self.fields["indicator_set"].queryset = selectors_appraisal.indicator_set_writable(user=self.user)
        self.fields["town"].queryset = selectors_appraisal.appraisal_towns(user=self.user)


class ScoreForm(_Form):
    """A hand score of one indicator (0–100) and why."""

    indicator = forms.ModelChoiceField(label=_("考核指标"), queryset=None)
    score = forms.DecimalField(label=_("得分"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    reason = forms.CharField(label=_("评分理由"), max_length=500)

    def setup(self):
        from .models import AppraisalIndicator

        qs = AppraisalIndicator.objects.none()
        if self.appraisal is not None:
            qs = AppraisalIndicator.objects.filter(indicator_set_id=self.appraisal.indicator_set_id,
                                                   is_active=True).order_by("position")
        self.fields["indicator"].queryset = qs


class FinaliseForm(_Form):
    on = forms.DateField(label=_("定档日期"), widget=DateInput(), initial=timezone.localdate)
    conclusion = forms.CharField(label=_("考核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class UseForm(_Form):
    kind = forms.ChoiceField(label=_("运用类型"), choices=UseKind.choices)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    document_number = forms.CharField(label=_("文号"), max_length=64, required=False)
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput(), initial=timezone.localdate)


class ComputeForm(_Form):
    """Nothing to fill in: the computed indicators are read again from the apps."""

"""Forms of the targets, debt and inspection pages. They parse what was typed (amounts stay text:
finance.rules reads them, so the page refuses "12.345" or "abc" with the API's words); the
services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.messages import PlainMessagesFormMixin
from regions import scoping
from regions.choices import Level

from .choices import CheckResult, Indicator, Severity

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class _TownForm(PlainMessagesFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("镇"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = scoping.towns_visible(user).order_by("code")


class GrowthTargetForm(_TownForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2199)
    indicator = forms.ChoiceField(label=_("指标"), choices=Indicator.choices)
    target_percent = forms.CharField(label=_("目标增长率（%）"), max_length=16, help_text=_("如 25.00，最多两位小数"))
    document_number = forms.CharField(label=_("依据文号"), max_length=64, required=False)


class YearFigureForm(_TownForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2199)
    indicator = forms.ChoiceField(label=_("指标"), choices=Indicator.choices)
    amount = forms.CharField(label=_("实际数（元）"), max_length=32, help_text=_("元，最多两位小数"))
    source = forms.CharField(label=_("数据来源"), max_length=128, help_text=_("如 县统计局2010年统计年报"))
    reason = forms.CharField(label=_("更正理由"), max_length=500, required=False,
                             help_text=_("该年该指标已登记时必填：新数据替代原数据，原数据保留"))


class DebtBorrowForm(_TownForm):
    lender = forms.CharField(label=_("债权人"), max_length=50)
    occurred_on = forms.DateField(label=_("举借日期"), **DATE)
    amount = forms.CharField(label=_("金额（元）"), max_length=32, help_text=_("元，最多两位小数"))
    document_number = forms.CharField(label=_("批准文号或合同号"), max_length=64)
    approved_by = forms.CharField(label=_("审批机关"), max_length=128)
    purpose = forms.CharField(label=_("用途"), max_length=200, required=False)


class DebtRepayForm(_TownForm):
    lender = forms.CharField(label=_("债权人"), max_length=50)
    occurred_on = forms.DateField(label=_("偿还日期"), **DATE)
    amount = forms.CharField(label=_("金额（元）"), max_length=32, help_text=_("元，最多两位小数"))
    document_number = forms.CharField(label=_("还款凭证号"), max_length=64)
    purpose = forms.CharField(label=_("摘要"), max_length=200, required=False)


class ChecklistItemForm(PlainMessagesFormMixin, forms.Form):
    county = forms.ModelChoiceField(label=_("县"), queryset=None)
    code = forms.CharField(label=_("编号"), max_length=16)
    text = forms.CharField(label=_("检查内容"), max_length=300)
    position = forms.IntegerField(label=_("序号"), min_value=1, max_value=999, initial=1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scoping.divisions_visible(user).filter(level__in=[Level.COUNTY, Level.CITY]).order_by("code")


class InspectionForm(_TownForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2199)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int, choices=[(q, q) for q in (1, 2, 3, 4)])
    inspected_on = forms.DateField(label=_("检查日期"), **DATE)
    inspectors = forms.CharField(label=_("检查人员"), max_length=200)


class InspectionResultsForm(forms.Form):
    """One result and note per checklist item of the inspection (fields result_<item id>, note_<item id>)."""

    def __init__(self, data=None, *, inspection=None, **kwargs):
        super().__init__(data, **kwargs)
        self.rows = list(inspection.results.select_related("item")) if inspection is not None else []
        for row in self.rows:
            self.fields[f"result_{row.item_id}"] = forms.ChoiceField(label=row.item.text, choices=CheckResult.choices,
                                                                     initial=row.result)
            self.fields[f"note_{row.item_id}"] = forms.CharField(label=_("说明"), max_length=500, required=False,
                                                                 initial=row.note)

    def results(self) -> list[dict]:
        return [{"item": row.item_id, "result": self.cleaned_data[f"result_{row.item_id}"],
                 "note": self.cleaned_data.get(f"note_{row.item_id}", "")} for row in self.rows]


class FindingForm(forms.Form):
    text = forms.CharField(label=_("发现的问题"), max_length=500)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    item = forms.IntegerField(label=_("检查项目"), required=False)


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("检查结论"), widget=forms.Textarea(attrs={"rows": 2}))


class FindingCloseForm(forms.Form):
    closure_note = forms.CharField(label=_("整改情况"), max_length=500)

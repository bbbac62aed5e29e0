"""A date field's value reaches the browser's date input in zh-hans (walk-through finding: a plain
``forms.DateInput(attrs={"type": "date"})`` rendered "2026/12/05", which the browser drops)."""

import datetime

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(widget=forms.DateTimeInput())


def test_zh_hans_date_input_renders_iso_and_parses_both_forms():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": datetime.date(2026, 12, 5)})["day"])
        assert 'value="2026-12-05"' in html
        assert _Form({"day": "2026/12/05", "at": "2026-12-05 09:30"}).is_valid()
        form = _Form({"day": "2026-12-05", "at": "2026-12-05T09:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 12, 5)


def test_zh_hans_display_format_of_documents_is_unchanged():
    from django.utils.formats import date_format

    with translation.override("zh-hans"):
        assert date_format(datetime.date(2026, 1, 5)) == "2026年1月5日"

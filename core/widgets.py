"""Form widgets every app's forms and filter forms share (a FilterSet's form and a service form
both use them, so they live below both)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """An ``<input type="date">`` in ISO format (what the browser's date picker sends)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class QuickSelect(forms.Select):
    """A single-choice <select> rendered in Python, same markup as forms.Select.

    Django renders a Select through templates, three per option (~40 µs an option): the record
    list's filter dropdowns cost more than the page's query, and the new-record form of a
    user writing for every town (1,500 towns, 600 items, 2,400 officers) took 0.3 s to render.
    Grouped choices fall back to the template rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Read once (a ModelChoiceField's choices are a query); not list(), whose length hint
        # would cost a COUNT query.
        choices = [choice for choice in self.choices]
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option, mark_safe(" selected") if str(option) in selected else "", label) for option, label in choices  # nosec B308 # a literal attribute
        ))
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options)


def bootstrap(form, *, small: bool = False) -> None:
    """Bootstrap's classes on every widget of ``form`` that has none yet (the pages render the
    fields as they are): form-check-input on a checkbox, form-select on a select, form-control on
    the rest; ``small`` for the compact forms inside a page's steps. A list of checkboxes or
    radios keeps its own markup."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", f"form-select form-select{size}" if small else "form-select")
        else:
            widget.attrs.setdefault("class", f"form-control form-control{size}" if small else "form-control")

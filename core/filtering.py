"""The FilterSet base of every list, HTML page and API alike: strict, in plain words, styled.

django-filter's defaults let a wrong filter pass in silence, and the user then reads the whole
list as if it were the filtered one:
- a value that does not validate (``decided_on_after=2026-02-30``) is dropped from
  ``cleaned_data`` and the other filters still apply;
- a parameter no filter reads (a misspelt name) is ignored;
- a yes/no filter reads any unknown text as "no filter" and offers "未知/是/否".

``StrictFilterSet`` refuses all three: a bound FilterSet with an error filters to nothing
(``qs`` is empty) and reports the error by parameter name (``errors``), so the API answers 400
with field errors (DRF's DjangoFilterBackend raises on ``is_valid()``) and a page shows the
error instead of rows (``templates/includes/filter_errors.html``). Yes/no filters offer
"全部/是/否" and refuse any other value. The widgets carry Bootstrap classes for the pages (the
API ignores them).

Scoping the choices of model-choice filters needs the jurisdiction, which lives in
``regions``; ``regions.filtersets.ScopedFilterSet`` adds it on top of this class.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

TRUE_TEXTS = frozenset({"true", "1", "yes", "on", "是"})
FALSE_TEXTS = frozenset({"false", "0", "no", "off", "否"})

#: query parameters that are not filters: pagination (keyset pages, API cursor), output format
PASSTHROUGH_PARAMS = frozenset({"after", "before", "cursor", "page", "page_size", "format"})


class YesNoSelect(forms.Select):
    """全部 / 是 / 否, sending ``true`` / ``false`` (as the API does) and the raw text back."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])

    def format_value(self, value):
        if value is True or str(value).strip().lower() in TRUE_TEXTS:
            return ["true"]
        if value is False or str(value).strip().lower() in FALSE_TEXTS:
            return ["false"]
        return [""]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class YesNoField(forms.Field):
    """True, False or None (no filter); any other text is an error, not "no filter"."""

    widget = YesNoSelect
    default_error_messages = {"invalid": _("“%(value)s”不是可选的值，请选择“是”或“否”。")}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if not text:
            return None
        if text in TRUE_TEXTS:
            return True
        if text in FALSE_TEXTS:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


def param_names(name: str, widget) -> list[str]:
    """The query parameters a form field named ``name`` reads through ``widget``."""
    if hasattr(widget, "suffixes"):  # django-filter's range widgets: decided_on_after, decided_on_before
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    if isinstance(widget, forms.MultiWidget):
        return [name + suffix for suffix in widget.widgets_names]
    return [name]


class StrictFilterSet(django_filters.FilterSet):
    """Base of every FilterSet: invalid or unknown filters are errors, never ignored (module doc)."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": YesNoFilter},
    }

    #: query parameters this list accepts besides its filters
    passthrough_params: frozenset[str] = PASSTHROUGH_PARAMS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            # Declared BooleanFilters too (the defaults above only reach generated ones).
            if isinstance(filter_, django_filters.BooleanFilter) and not isinstance(filter_, YesNoFilter):
                filter_.field_class = YesNoField

    def param_labels(self) -> dict[str, str]:
        """Every query parameter a filter reads → that filter's label."""
        labels = {}
        for name, field in self.form.fields.items():
            for param in param_names(self.form.add_prefix(name), field.widget):
                labels[param] = str(field.label or name)
        return labels

    def unknown_params(self) -> list[str]:
        known = self.param_labels()
        return [p for p in self.data if p not in known and p not in self.passthrough_params]

    def get_form_class(self):
        base = super().get_form_class()
        filterset = self

        def clean(form):
            cleaned = base.clean(form)
            unknown = filterset.unknown_params()
            if unknown:
                offered = "、".join(dict.fromkeys(filterset.param_labels()))
                for param in unknown:
                    # Keyed by the parameter itself: the API's "fields" names what to correct.
                    form._errors[param] = form.error_class([
                        ValidationError(
                            _("没有名为“%(param)s”的筛选条件（可用：%(offered)s）。"),
                            code="unknown_filter", params={"param": param, "offered": offered},
                        )
                    ])
            return cleaned

        return type(base.__name__, (base,), {"clean": clean})

    @property
    def qs(self):
        # django-filter applies the valid filters and drops the others; a list filtered by only
        # some of what was asked is a wrong answer, so an invalid filter shows nothing.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def error_list(self) -> list[tuple[str, list[str]]]:
        """(label, messages) of every error, for the page."""
        labels = {name: str(field.label or name) for name, field in self.form.fields.items()}
        return [(labels.get(name, name), [str(m) for m in messages]) for name, messages in self.errors.items()]

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                parts = getattr(field.widget, "widgets", None)
                for widget in parts or [field.widget]:
                    select = getattr(widget, "input_type", "") == "select"
                    css = "form-select form-select-sm" if select else "form-control form-control-sm"
                    widget.attrs["class"] = css + (" d-inline-block w-auto" if parts else "")
            form._styled = True
        return form

"""Pages of the one-town dossier (一镇一档, issue 15 §2): choose a town of one's jurisdiction and
a period; the town's page shows every section (from every app, through oversight.bundle's
builders), each linking to its records; and the same sections as a GB/T 9704 PDF."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from . import sections, selectors


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


def period(request, town) -> tuple[PeriodForm, datetime.date, datetime.date]:
    """The period asked for (?start=&end=), the town's default where missing or invalid."""
    start, end = selectors.default_period(town=town)
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    return form, start, end


class IndexView(LoginRequiredMixin, TemplateView):
    """Choose a town (those of the user's jurisdiction) and a period."""

    template_name = "dossier/index.html"

    def get(self, request, *args, **kwargs):
        chosen = request.GET.get("town")
        if chosen and chosen.isdigit():
            town = selectors.town_get(user=request.user, pk=int(chosen))
            query = request.GET.copy()
            query.pop("town")
            url = reverse("dossier:town", args=[town.pk])
            return redirect(f"{url}?{query.urlencode()}" if query else url)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "towns": list(selectors.town_list(user=self.request.user)),
                "form": PeriodForm()}


class TownView(LoginRequiredMixin, TemplateView):
    """Everything the system knows of one town for the period, section by section."""

    template_name = "dossier/town.html"

    def get_context_data(self, **kwargs):
        town = selectors.town_get(user=self.request.user, pk=kwargs["pk"])
        form, start, end = period(self.request, town)
        parts = sections.dossier_sections(user=self.request.user, town=town, start=start, end=end)
        return {**super().get_context_data(**kwargs), "town": town, "form": form, "start": start, "end": end,
                "sections": parts, "query": f"start={start.isoformat()}&end={end.isoformat()}"}


class TownPdfView(LoginRequiredMixin, View):
    """The dossier as a PDF, inline; whoever sees the town (else 404)."""

    def get(self, request, pk):
        town = selectors.town_get(user=request.user, pk=pk)
        _form, start, end = period(request, town)
        content, _pages = sections.dossier_pdf(user=request.user, town=town, start=start, end=end)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="dossier-{town.code}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

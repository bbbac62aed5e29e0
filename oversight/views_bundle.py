"""Pages of the auditor's report bundle (issue 14 §6): the bundles of the user's jurisdiction, the
form that asks for one (a division and a period), and its page with a progress bar the browser
polls (htmx) until the PDF can be downloaded through core.files' checked view."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from core import files
from core.generic.columns import Column
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import services_bundle
from .models import Bundle

NAV = "oversight/_nav.html"


def download_url(bundle: Bundle) -> str:
    """The checked download of a finished bundle ('' before, or while the file is not registered)."""
    if bundle.state != Bundle.State.DONE:
        return ""
    try:
        return files.url_for(bundle, "pdf")
    except ImproperlyConfigured:  # oversight's AppConfig registers the field (core.files)
        return ""


class BundleForm(forms.Form):
    division = forms.ModelChoiceField(label=_("审计范围"), queryset=None, empty_label=None)
    period_from = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = services_bundle.bundle_divisions(user=user)
        self.fields["division"].label_from_instance = lambda d: f"{d.name}（{d.code}）"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ModelChoiceField)
                                          else "form-control")


class BundleListView(ScopedListView):
    title = _("审计报告材料")
    model = Bundle
    nav_template = NAV
    nav_active = "bundle"
    table_testid = "bundle-list"
    create_url = "oversight:bundle-create"
    create_label = _("生成报告材料")
    columns = (
        Column(_("审计范围"), "division.name", link="oversight:bundle-detail"),
        Column(_("期间"), lambda b: f"{b.period_from:%Y-%m-%d} — {b.period_to:%Y-%m-%d}"),
        Column(_("申请人"), lambda b: b.requested_by.get_username()),
        Column(_("状态"), lambda b: b.get_state_display()),
        Column(_("页数"), "page_count", empty="—"),
        Column(_("生成时间"), "generated_at", empty="—"),
    )

    def get_queryset(self):
        return services_bundle.bundle_list(user=self.request.user)


class BundleCreateView(ServiceFormView):
    """The auditor (or the office) chooses a division of their jurisdiction and a period."""

    model = Bundle
    form_class = BundleForm
    template_name = "oversight/form.html"

    def make_form(self, obj, data=None, files=None):
        if data is None:
            today = timezone.localdate()
            return self.form_class(user=self.request.user, initial={
                "period_from": datetime.date(today.year, 1, 1), "period_to": today})
        return self.form_class(data, user=self.request.user)

    def form_context(self, form):
        return {"title": gettext("生成审计报告材料"), "active": "bundle", "back": reverse("oversight:bundle-list")}

    def create(self, form):
        return services_bundle.bundle_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, bundle, *, created):
        return gettext("已开始生成报告材料，完成后可在本页下载。")

    def success_url(self, bundle):
        return reverse("oversight:bundle-detail", args=[bundle.pk])


class BundleDetailView(ScopedDetailView):
    template_name = "oversight/bundle_detail.html"
    context_object_name = "bundle"
    history_tab = False
    no_history_because = "a job's row, not a record: its states and who asked are on the page itself"

    def get_queryset(self):
        return services_bundle.bundle_list(user=self.request.user)

    def get_detail_context(self, bundle):
        return {"active": "bundle", "download": download_url(bundle)}


class BundleStatusView(LoginRequiredMixin, View):
    """The progress part of the bundle's page, polled every second while the job runs."""

    def get(self, request, pk):
        bundle = services_bundle.bundle_get(user=request.user, pk=pk)
        return render(request, "oversight/_bundle_status.html", {"bundle": bundle, "download": download_url(bundle)})

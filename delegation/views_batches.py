"""HTML pages of batches (批次): list, create, detail with its items, add draft items, publish.

A batch is open until it is published; draft items are published into an open batch and take
its effective date; publishing the batch gives its notice a document number and date and
closes it (delegation.services).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.generic import TemplateView

from core.history import history_table
from regions import scoping

from . import selectors, services
from .choices import BatchState
from .filtersets import BatchFilterSet
from .forms import BatchAddItemsForm, BatchForm, BatchPublishForm
from .models import Batch
from .views_base import (
    DOMAIN_ERRORS,
    ITEM_STATUS_BADGE,
    SelectorListView,
    ServiceCreateView,
    error_text,
    form_error_text,
    require_change,
)

BATCH_STATE_BADGE = {
    BatchState.OPEN: "text-bg-warning",
    BatchState.PUBLISHED: "text-bg-info",
    BatchState.IN_FORCE: "text-bg-success",
}


def decorate_batch(batch: Batch, today) -> Batch:
    state = BatchState(batch.state(today))
    batch.state_code, batch.state_label, batch.badge = state.value, str(state.label), BATCH_STATE_BADGE[state]
    return batch


class BatchListView(SelectorListView):
    template_name = "delegation/batch_list.html"
    filterset_class = BatchFilterSet

    def base_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for batch in context["object_list"]:
            decorate_batch(batch, today)
        context["can_create"] = scoping.may_write_model(self.request.user, Batch)
        return context


class BatchCreateView(ServiceCreateView):
    model = Batch
    form_class = BatchForm
    template_name = "delegation/batch_form.html"

    def create(self, form):
        return services.batch_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, batch):
        return gettext("已新建批次：%(batch)s（施行日期 %(date)s），可将草稿事项公布到该批次。") % {
            "batch": batch, "date": f"{batch.effective_on:%Y-%m-%d}"}

    def success_url(self, batch):
        return reverse("delegation:batch-detail", args=[batch.pk])


class BatchDetailView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/batch_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        batch = decorate_batch(selectors.batch_get(user=user, pk=kwargs["pk"]), timezone.localdate())
        tab = "history" if self.request.GET.get("tab") == "history" else "details"
        items = list(selectors.batch_items(user=user, batch=batch))
        for item in items:
            item.badge = ITEM_STATUS_BADGE.get(item.status, "text-bg-secondary")
        can_change = scoping.can(user, scoping.CHANGE, batch) and batch.is_open
        context = {
            **super().get_context_data(**kwargs),
            "object": batch,
            "batch": batch,
            "tab": tab,
            "items": items,
            "can_change": can_change,
            "past_effective": batch.effective_on < timezone.localdate(),
        }
        if tab == "history":
            context["history"] = history_table(batch)
        if can_change:
            context.update(
                add_form=BatchAddItemsForm(user=user, batch=batch),
                publish_form=BatchPublishForm(initial={"document_number": batch.document_number}),
            )
        return context


class BatchActionView(LoginRequiredMixin, View):
    """POST-only step on a batch: add draft items / publish."""

    action = ""

    def post(self, request, pk):
        user = request.user
        batch = selectors.batch_get(user=user, pk=pk)
        require_change(user, batch)
        if self.action == "add-items":
            form = BatchAddItemsForm(request.POST, user=user, batch=batch)
        else:
            form = BatchPublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            data = form.cleaned_data
            try:
                if self.action == "add-items":
                    items = services.batch_add_items(batch=batch, items=list(data["items"]), actor=user,
                                                     reason=data["reason"])
                    messages.success(request, ngettext(
                        "已将 %(count)d 个事项公布到%(batch)s，自%(date)s起施行。",
                        "已将 %(count)d 个事项公布到%(batch)s，自%(date)s起施行。", len(items),
                    ) % {"count": len(items), "batch": batch.name, "date": f"{batch.effective_on:%Y-%m-%d}"})
                else:
                    batch = services.batch_publish(batch=batch, actor=user, published_on=data["published_on"],
                                                   document_number=data["document_number"])
                    messages.success(request, gettext("已公布%(batch)s（%(number)s，%(published)s），自%(date)s起施行。") % {
                        "batch": batch.name, "number": batch.document_number,
                        "published": f"{batch.published_on:%Y-%m-%d}", "date": f"{batch.effective_on:%Y-%m-%d}"})
            except DOMAIN_ERRORS as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("delegation:batch-detail", args=[pk]))

"""HTML pages of batches (批次): list, create, detail with its items, add draft items, publish.

A batch is open until it is published; draft items are published into an open batch and take
its effective date; publishing the batch gives its notice a document number and date and
closes it (delegation.services). Which steps a batch offers is declared on BatchState.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core.generic.actions import ServiceActionView
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView

from . import selectors, services
from .choices import BatchState, ItemStatus
from .filtersets import BatchFilterSet
from .forms import BatchAddItemsForm, BatchForm, BatchPublishForm
from .models import Batch
from .views_base import DelegationListView


def decorate_batch(batch: Batch, today) -> Batch:
    state = BatchState(batch.state(today))
    batch.state_code, batch.state_label, batch.badge = state.value, str(state.label), BatchState.badge_class(state)
    return batch


class BatchListView(DelegationListView):
    template_name = "delegation/batch_list.html"
    filterset_class = BatchFilterSet
    model = Batch
    create_url = "delegation:batch-create"

    def get_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def decorate(self, rows):
        today = timezone.localdate()
        return [decorate_batch(batch, today) for batch in rows]


class BatchCreateView(ServiceFormView):
    model = Batch
    form_class = BatchForm
    template_name = "delegation/batch_form.html"

    def create(self, form):
        return services.batch_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, batch, *, created):
        return gettext("已新建批次：%(batch)s（施行日期 %(date)s），可将草稿事项公布到该批次。") % {
            "batch": batch, "date": f"{batch.effective_on:%Y-%m-%d}"}

    def success_url(self, batch):
        return reverse("delegation:batch-detail", args=[batch.pk])


class BatchDetailView(ScopedDetailView):
    template_name = "delegation/batch_detail.html"
    context_object_name = "batch"
    states, state_field = BatchState, "state_code"

    def get_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def get_object(self):
        return decorate_batch(super().get_object(), timezone.localdate())

    def get_can_change(self, batch):
        return super().get_can_change(batch) and batch.is_open

    def get_detail_context(self, batch):
        user = self.request.user
        items = list(selectors.batch_items(user=user, batch=batch))
        for item in items:
            item.badge = ItemStatus.badge_class(item.status)
        context = {"items": items, "past_effective": batch.effective_on < timezone.localdate()}
        if self.can_change:
            context.update(
                add_form=BatchAddItemsForm(user=user, batch=batch),
                publish_form=BatchPublishForm(initial={"document_number": batch.document_number}),
            )
        return context


class BatchActionView(ServiceActionView):
    """A step on a batch: add draft items / publish (only while it is open)."""

    states, state_field = BatchState, "state_code"
    success_url_name = "delegation:batch-detail"

    def get_queryset(self):
        return selectors.batch_list(user=self.request.user)

    def get_object(self):
        return decorate_batch(super().get_object(), timezone.localdate())

    def get_success_url(self, batch):
        return reverse(self.success_url_name, args=[batch.pk])  # never ``next``: the batch's page


class BatchAddItemsView(BatchActionView):
    transition = "add-items"
    form_class = BatchAddItemsForm

    def get_form_kwargs(self, batch):
        return {"user": self.request.user, "batch": batch}

    def perform(self, batch, data):
        self.added = services.batch_add_items(batch=batch, items=list(data["items"]), actor=self.request.user,
                                              reason=data["reason"])
        return batch

    def success_message(self, batch, data):
        count = len(self.added)
        return ngettext(
            "已将 %(count)d 个事项公布到%(batch)s，自%(date)s起施行。",
            "已将 %(count)d 个事项公布到%(batch)s，自%(date)s起施行。", count,
        ) % {"count": count, "batch": batch.name, "date": f"{batch.effective_on:%Y-%m-%d}"}


class BatchPublishView(BatchActionView):
    transition = "publish"
    form_class = BatchPublishForm
    service = services.batch_publish

    def success_message(self, batch, data):
        return gettext("已公布%(batch)s（%(number)s，%(published)s），自%(date)s起施行。") % {
            "batch": batch.name, "number": batch.document_number,
            "published": f"{batch.published_on:%Y-%m-%d}", "date": f"{batch.effective_on:%Y-%m-%d}"}

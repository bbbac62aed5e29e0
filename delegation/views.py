"""HTML pages of the catalogue (事权下放): lists read through selectors, each workflow step a
POST that calls one service. Rows outside the user's jurisdiction are 404; rows the user may
see but not change are 403; domain errors come back as Chinese messages, never as 500s."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Min, Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core.history import history_table
from regions import scoping

from . import selectors, services
from .choices import FilingState, ItemStatus, Outcome, TakeOverStatus
from .filtersets import AssignmentFilterSet, ExerciseRecordFilterSet, ItemFilterSet, TrainingFilterSet
from .forms import (
    AgreementForm,
    AssignmentForm,
    AttachAgreementForm,
    ExerciseRecordForm,
    FileRecordForm,
    ItemForm,
    PublishForm,
    ReasonForm,
    TakeOverForm,
    TrainingForm,
    apply_error,
)
from .models import Agreement, Assignment, ExerciseRecord, Item, Training
from .views_base import (
    DOMAIN_ERRORS,
    ITEM_STATUS_BADGE,
    TAKEOVER_BADGE,
    SelectorListView,
    ServiceCreateView,
    error_text,
    form_error_text,
    pk_url,
    redirect_next,
    require_change,
    require_model_write,
)

# css class (static/css/kuoquan.css) and badge of each filing state
FILING_STATE_CSS = {
    FilingState.PENDING: "status-pending",
    FilingState.ON_TIME: "status-ontime",
    FilingState.LATE: "status-late",
    FilingState.OVERDUE: "status-overdue",
}


def decorate_records(rows, today: datetime.date):
    """Set ``state``, ``state_label``, ``state_css`` and ``days_overdue`` on each record (no queries)."""
    for record in rows:
        state = FilingState(record.filing_state(today).value)
        record.state = state
        record.state_label = str(state.label)  # rendered once per row: no lazy proxy in the template
        record.state_css = FILING_STATE_CSS[state]
        reference = record.filed_on or today
        record.days_overdue = max((reference - record.filing_due_on).days, 0)
    return rows


# --- items -----------------------------------------------------------------------------------
class ItemListView(SelectorListView):
    template_name = "delegation/item_list.html"
    filterset_class = ItemFilterSet

    def base_queryset(self):
        return selectors.item_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for item in context["object_list"]:
            item.badge = ITEM_STATUS_BADGE.get(item.status, "text-bg-secondary")
        context["can_create"] = scoping.may_write_model(self.request.user, Item)
        return context


class ItemDetailView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/item_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        item = selectors.item_get(user=user, pk=kwargs["pk"])
        tab = self.request.GET.get("tab")
        tab = tab if tab in {"history", "assignments", "changes"} else "details"
        can_change = scoping.can(user, scoping.CHANGE, item)
        context = {
            **super().get_context_data(**kwargs),
            "object": item,
            "item": item,
            "tab": tab,
            "badge": ITEM_STATUS_BADGE.get(item.status),
            "can_change": can_change,
            "assignments": list(selectors.item_assignments(user=user, item=item)),
            "status_changes": list(selectors.item_status_changes(item=item)),
            "takeover_badge": TAKEOVER_BADGE,
        }
        for a in context["assignments"]:
            a.badge = TAKEOVER_BADGE.get(a.takeover_status)
        if tab == "history":
            context["history"] = history_table(item)
        if can_change:
            status = item.status
            context.update(
                can_edit=status != ItemStatus.WITHDRAWN,
                can_publish=status == ItemStatus.DRAFT,
                can_suspend=status == ItemStatus.IN_FORCE,
                can_resume=status == ItemStatus.SUSPENDED,
                can_withdraw=status in {ItemStatus.PUBLISHED, ItemStatus.IN_FORCE, ItemStatus.SUSPENDED},
                publish_form=PublishForm(user=user),
                reason_form=ReasonForm(),
            )
        return context


class ItemFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit an item; the office only."""

    template_name = "delegation/item_form.html"

    def get_item(self, pk):
        if pk is None:
            require_model_write(self.request.user, Item)
            return None
        item = selectors.item_get(user=self.request.user, pk=pk)
        require_change(self.request.user, item)
        return item

    def render(self, form, item):
        return render(self.request, self.template_name, {"form": form, "object": item})

    def get(self, request, pk=None):
        item = self.get_item(pk)
        return self.render(ItemForm(instance=item, user=request.user), item)

    def post(self, request, pk=None):
        item = self.get_item(pk)
        # The form works on a copy so a refused change leaves ``item`` as stored.
        form = ItemForm(request.POST, instance=Item.objects.get(pk=item.pk) if item else None, user=request.user)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.fields if not form.fields[name].disabled}
            try:
                if item is None:
                    item = services.item_create(actor=request.user, **fields)
                    messages.success(request, gettext("已新建事项（草稿）：%(item)s") % {"item": item})
                else:
                    item = services.item_update(item=item, actor=request.user, **fields)
                    messages.success(request, gettext("已保存：%(item)s") % {"item": item})
                return HttpResponseRedirect(reverse("delegation:item-detail", args=[item.pk]))
            except DOMAIN_ERRORS as exc:
                apply_error(form, exc)
        return self.render(form, item)


class ItemActionView(LoginRequiredMixin, View):
    """POST-only life-cycle step on an item: publish / suspend / resume / withdraw."""

    action = ""

    def post(self, request, pk):
        user = request.user
        item = selectors.item_get(user=user, pk=pk)
        require_change(user, item)
        form = PublishForm(request.POST, user=user) if self.action == "publish" else ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            data = form.cleaned_data
            try:
                if self.action == "publish":
                    item = services.item_publish(item=item, batch=data["batch"], actor=user, reason=data["reason"])
                    messages.success(request, gettext("已公布：%(item)s（%(status)s）") % {"item": item, "status": item.get_status_display()})
                else:
                    service = {
                        "suspend": services.item_suspend,
                        "resume": services.item_resume,
                        "withdraw": services.item_withdraw,
                    }[self.action]
                    item = service(item=item, actor=user, reason=data["reason"], on=data.get("on"))
                    messages.success(request, gettext("事项状态已改为%(status)s：%(item)s") % {"status": item.get_status_display(), "item": item})
            except DOMAIN_ERRORS as exc:
                messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("delegation:item-detail", args=[pk]))


# --- assignment matrix, assignments, agreements ----------------------------------------------
class AssignmentMatrixView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/assignment_matrix.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        filterset = ItemFilterSet(self.request.GET or None, queryset=selectors.item_list(user=user), request=self.request)
        # Only the narrowing filters make sense here; the status is fixed to published / in force.
        filterset.form.fields.pop("status", None)
        matrix = selectors.assignment_matrix(user=user, items=filterset.qs if self.request.GET else None)
        for row in matrix.rows:
            for cell in row.cells:
                if cell.assignment is not None:
                    cell.assignment.badge = TAKEOVER_BADGE.get(cell.assignment.takeover_status)
        can_assign = scoping.may_write_model(user, Assignment)
        return {
            **super().get_context_data(**kwargs),
            "matrix": matrix,
            "filter": filterset,
            "can_assign": can_assign,
            "mode_choices": Assignment._meta.get_field("mode").choices,
        }


class AssignmentListView(SelectorListView):
    template_name = "delegation/assignment_list.html"
    filterset_class = AssignmentFilterSet

    def base_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for a in context["object_list"]:
            a.badge = TAKEOVER_BADGE.get(a.takeover_status)
        return context


class AssignmentCreateView(ServiceCreateView):
    model = Assignment
    form_class = AssignmentForm
    template_name = "delegation/assignment_form.html"
    initial_fields = ("item", "division", "mode")

    def create(self, form):
        return services.assignment_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, assignment):
        return gettext("已交办：%(assignment)s（%(mode)s）") % {"assignment": assignment, "mode": assignment.get_mode_display()}

    def success_url(self, assignment):
        # The matrix posts with next= and returns there; the form page goes on to the new row.
        return reverse("delegation:assignment-detail", args=[assignment.pk])


class AssignmentDetailView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/assignment_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignment = selectors.assignment_get(user=user, pk=kwargs["pk"])
        tab = "history" if self.request.GET.get("tab") == "history" else "details"
        can_change = scoping.can(user, scoping.CHANGE, assignment)
        context = {
            **super().get_context_data(**kwargs),
            "object": assignment,
            "badge": TAKEOVER_BADGE.get(assignment.takeover_status),
            "tab": tab,
            "can_change": can_change,
        }
        if tab == "history":
            context["history"] = history_table(assignment)
        if can_change and assignment.takeover_status != TakeOverStatus.REVOKED:
            context.update(
                take_over_form=TakeOverForm() if assignment.takeover_status == TakeOverStatus.ASSIGNED else None,
                revoke_form=ReasonForm(),
                attach_form=AttachAgreementForm(user=user, assignment=assignment),
            )
        return context


class AssignmentActionView(LoginRequiredMixin, View):
    """POST-only step on an assignment: take over / revoke / attach an agreement."""

    action = ""

    def post(self, request, pk):
        user = request.user
        assignment = selectors.assignment_get(user=user, pk=pk)
        require_change(user, assignment)
        forms_ = {
            "take-over": lambda: TakeOverForm(request.POST),
            "revoke": lambda: ReasonForm(request.POST),
            "attach-agreement": lambda: AttachAgreementForm(request.POST, user=user, assignment=assignment),
        }
        form = forms_[self.action]()
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            data = form.cleaned_data
            try:
                if self.action == "take-over":
                    assignment = services.assignment_take_over(assignment=assignment, on=data.get("on"), actor=user)
                    messages.success(request, gettext("已承接：%(assignment)s") % {"assignment": assignment})
                elif self.action == "revoke":
                    assignment = services.assignment_revoke(
                        assignment=assignment, actor=user, reason=data["reason"], on=data.get("on")
                    )
                    messages.success(request, gettext("已收回：%(assignment)s") % {"assignment": assignment})
                else:
                    assignment = services.assignment_attach_agreement(
                        assignment=assignment, agreement=data["agreement"], actor=user
                    )
                    messages.success(request, gettext("已关联协议书：%(agreement)s") % {"agreement": data["agreement"]})
            except DOMAIN_ERRORS as exc:
                messages.error(request, error_text(exc))
        return redirect_next(request, reverse("delegation:assignment-detail", args=[pk]))


class AgreementListView(SelectorListView):
    template_name = "delegation/agreement_list.html"

    def base_queryset(self):
        return selectors.agreement_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = scoping.may_write_model(self.request.user, Agreement)
        return context


class AgreementCreateView(ServiceCreateView):
    model = Agreement
    form_class = AgreementForm
    template_name = "delegation/agreement_form.html"

    def create(self, form):
        return services.agreement_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, agreement):
        return gettext("已登记协议书：%(agreement)s") % {"agreement": agreement}

    def success_url(self, agreement):
        return reverse("delegation:agreement-detail", args=[agreement.pk])


class AgreementDetailView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/agreement_detail.html"

    def get_context_data(self, **kwargs):
        agreement = selectors.agreement_get(user=self.request.user, pk=kwargs["pk"])
        tab = "history" if self.request.GET.get("tab") == "history" else "details"
        context = {
            **super().get_context_data(**kwargs),
            "object": agreement,
            "tab": tab,
            "assignments": list(selectors.assignment_list(user=self.request.user).filter(agreement=agreement)),
        }
        if tab == "history":
            context["history"] = history_table(agreement)
        return context


# --- exercise records ------------------------------------------------------------------------
class RecordListView(SelectorListView):
    """The clerk's page: their town's records with filing state and a summary; writers get a
    button to the new-record page (records/new/).

    Its cost must not grow with the scope (a province sees a million records, 1,600 divisions,
    600 items): the filters offer code/name searches instead of huge dropdowns
    (``ExerciseRecordFilterSet.page_fields``) and the overdue count stops at
    ``OVERDUE_COUNT_MAX``.
    """

    template_name = "delegation/record_list.html"
    filterset_class = ExerciseRecordFilterSet
    OVERDUE_COUNT_MAX = 9999

    def base_queryset(self):
        return selectors.exercise_record_page_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        can_write = scoping.may_write_model(user, ExerciseRecord)
        detail_url, file_url = pk_url("delegation:record-detail"), pk_url("delegation:record-file")
        outcomes = dict(Outcome.choices)  # get_outcome_display() rebuilds this dict on every call
        for record in decorate_records(context["object_list"], today):
            record.outcome_label = outcomes.get(record.outcome, record.outcome)
            record.detail_url = detail_url(record.pk)
            # Visible rows a writer cannot change (a clerk who is also auditor above) get the
            # button too: the POST answers 403, as before.
            record.file_url = file_url(record.pk) if can_write and record.filed_on is None else ""
        overdue = selectors.overdue_record_count(user=user, today=today, at_most=self.OVERDUE_COUNT_MAX)
        filter_fields, filter_hidden = context["filter"].page_fields()
        due_soon = (
            selectors.due_soon_record_list(user=user, today=today)
            .select_related(None)
            .only("id", "decision_number", "filing_due_on", "filing_due_provisional", "filed_on")  # what the box shows
            .order_by("filing_due_on")[:10]
        )
        context.update(
            today=today,
            can_write=can_write,
            overdue_count=overdue,
            overdue_display=f"{self.OVERDUE_COUNT_MAX}+" if overdue > self.OVERDUE_COUNT_MAX else overdue,
            due_soon=decorate_records(list(due_soon), today),
            provisional_count=selectors.provisional_record_count(user=user, at_most=self.OVERDUE_COUNT_MAX),
            filter_fields=filter_fields,
            filter_hidden=filter_hidden,
        )
        return context


class RecordCreateView(ServiceCreateView):
    model = ExerciseRecord
    form_class = ExerciseRecordForm
    template_name = "delegation/record_form.html"

    def create(self, form):
        return services.exercise_record_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, record):
        provisional = gettext("（暂定：该年度节假日安排尚未录入，录入后自动重算）") if record.filing_due_provisional else ""
        return gettext("已登记办件：%(number)s，备案期限 %(due)s") % {
            "number": record.decision_number, "due": f"{record.filing_due_on:%Y-%m-%d}"} + provisional

    def success_url(self, record):
        return reverse("delegation:record-detail", args=[record.pk])

    def form_context(self, form):
        # A clerk whose town has taken nothing over would otherwise face an empty item list.
        return {"no_items": not form.fields["item"].queryset.exists()}


class RecordDetailView(LoginRequiredMixin, TemplateView):
    template_name = "delegation/record_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        record = selectors.exercise_record_get(user=user, pk=kwargs["pk"])
        decorate_records([record], timezone.localdate())
        tab = "history" if self.request.GET.get("tab") == "history" else "details"
        can_change = scoping.can(user, scoping.CHANGE, record)
        context = {
            **super().get_context_data(**kwargs),
            "object": record,
            "record": record,
            "tab": tab,
            "can_change": can_change,
            "file_form": FileRecordForm() if can_change and record.filed_on is None else None,
        }
        if tab == "history":
            context["history"] = history_table(record)
        return context


class RecordFileView(LoginRequiredMixin, View):
    """备案: mark a record filed (POST)."""

    def post(self, request, pk):
        user = request.user
        record = selectors.exercise_record_get(user=user, pk=pk)
        require_change(user, record)
        form = FileRecordForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            try:
                record = services.exercise_record_file(record=record, filed_on=form.cleaned_data["filed_on"], actor=user)
            except DOMAIN_ERRORS as exc:
                messages.error(request, error_text(exc))
            else:
                state = FilingState(record.filing_state(timezone.localdate()).value)
                messages.success(request, gettext("已备案：%(number)s（%(state)s）") % {"number": record.decision_number, "state": state.label})
        return redirect_next(request, reverse("delegation:record-detail", args=[pk]))


class OverdueListView(LoginRequiredMixin, TemplateView):
    """Unfiled records past their due date across the towns in scope, by town or by due date."""

    template_name = "delegation/overdue_list.html"
    limit = 200

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        base = selectors.overdue_record_list(user=user, today=today)
        summary = list(
            base.order_by().values("division_id", "division__name", "division__path")
            .annotate(count=Count("id"), oldest_due=Min("filing_due_on"),
                      provisional=Count("id", filter=Q(filing_due_provisional=True)))
            .order_by("division__path")
        )
        for row in summary:
            row["max_days"] = (today - row["oldest_due"]).days
        division = self.request.GET.get("division")
        rows = base
        if division and division.isdigit():
            rows = rows.filter(division_id=int(division))
        sort = self.request.GET.get("sort") or "town"
        if sort == "days":
            rows = rows.order_by("filing_due_on", "division__path", "id")
        else:
            sort = "town"
            rows = rows.order_by("division__path", "filing_due_on", "id")
        rows = list(rows[: self.limit + 1])
        truncated = len(rows) > self.limit
        rows = decorate_records(rows[: self.limit], today)
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "summary": summary,
            "total": sum(r["count"] for r in summary),
            "object_list": rows,
            "truncated": truncated,
            "limit": self.limit,
            "sort": sort,
            "division": division if division and division.isdigit() else "",
            "can_write": scoping.may_write_model(user, ExerciseRecord),
            "provisional_count": selectors.provisional_record_count(user=user, at_most=RecordListView.OVERDUE_COUNT_MAX),
        }


# --- training --------------------------------------------------------------------------------
class TrainingListView(SelectorListView):
    template_name = "delegation/training_list.html"
    filterset_class = TrainingFilterSet

    def base_queryset(self):
        return selectors.training_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = scoping.may_write_model(self.request.user, Training)
        return context


class TrainingCreateView(ServiceCreateView):
    model = Training
    form_class = TrainingForm
    template_name = "delegation/training_form.html"

    def create(self, form):
        return services.training_record(actor=self.request.user, **form.cleaned_data)

    def success_message(self, training):
        return gettext("已登记培训：%(training)s") % {"training": training}

    def success_url(self, training):
        return reverse("delegation:training-list")

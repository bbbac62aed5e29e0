"""HTML pages of the catalogue (事权下放), declared on core's generic views (core/generic): lists
read through selectors, detail pages with the history tab, create/edit pages written by one
service, and each workflow step a POST to one service. Rows outside the user's jurisdiction are
404; rows the user may see but not change are 403; domain errors come back as messages in the
user's words, never as 500s. Which steps a row offers is declared on its status (choices.py)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.generic.actions import ServiceActionView
from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.navigation import pk_url
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
)
from .models import Agreement, Assignment, ExerciseRecord, Item, Training
from .views_base import DelegationListView, decorate_records, record_columns, record_row_attrs


# --- items -----------------------------------------------------------------------------------
class ItemListView(DelegationListView):
    template_name = "delegation/item_list.html"
    filterset_class = ItemFilterSet
    model = Item
    create_url = "delegation:item-create"

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)

    def decorate(self, rows):
        for item in rows:
            item.badge = ItemStatus.badge_class(item.status)
        return rows


class ItemDetailView(ScopedDetailView):
    template_name = "delegation/item_detail.html"
    context_object_name = "item"
    states = ItemStatus

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)

    def get_detail_context(self, item):
        user = self.request.user
        assignments = list(selectors.item_assignments(user=user, item=item))
        for a in assignments:
            a.badge = TakeOverStatus.badge_class(a.takeover_status)
        context = {
            "badge": ItemStatus.badge_class(item.status),
            "assignments": assignments,
            "status_changes": list(selectors.item_status_changes(item=item)),
        }
        if self.can_change:
            context.update(can_edit=ItemStatus.allows("edit", item.status),
                           publish_form=PublishForm(user=user), reason_form=ReasonForm())
        return context


class ItemFormView(ServiceFormView):
    """Create (no pk) or edit an item; the office only."""

    model = Item
    form_class = ItemForm
    template_name = "delegation/item_form.html"

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)

    def create(self, form):
        return services.item_create(actor=self.request.user, **self.service_data(form))

    def update(self, item, form):
        return services.item_update(item=item, actor=self.request.user, **self.service_data(form))

    def success_message(self, item, *, created):
        if created:
            return gettext("已新建事项（草稿）：%(item)s") % {"item": item}
        return gettext("已保存：%(item)s") % {"item": item}

    def success_url(self, item):
        return reverse("delegation:item-detail", args=[item.pk])


class ItemActionView(ServiceActionView):
    """A life-cycle step on an item (publish / suspend / resume / withdraw): one URL, one service."""

    states = ItemStatus
    noun = _("事项")
    success_url_name = "delegation:item-detail"
    form_class = ReasonForm
    require_reason = True

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)

    def success_message(self, item, data):
        return gettext("事项状态已改为%(status)s：%(item)s") % {"status": item.get_status_display(), "item": item}


class ItemPublishView(ItemActionView):
    transition = "publish"
    form_class = PublishForm
    require_reason = False
    service = services.item_publish

    def get_form_kwargs(self, item):
        return {"user": self.request.user}

    def success_message(self, item, data):
        return gettext("已公布：%(item)s（%(status)s）") % {"item": item, "status": item.get_status_display()}


class ItemSuspendView(ItemActionView):
    transition = "suspend"
    service = services.item_suspend


class ItemResumeView(ItemActionView):
    transition = "resume"
    service = services.item_resume


class ItemWithdrawView(ItemActionView):
    transition = "withdraw"
    service = services.item_withdraw


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
                    cell.assignment.badge = TakeOverStatus.badge_class(cell.assignment.takeover_status)
        return {
            **super().get_context_data(**kwargs),
            "matrix": matrix,
            "filter": filterset,
            "can_assign": scoping.may_write_model(user, Assignment),
            "mode_choices": Assignment._meta.get_field("mode").choices,
        }


class AssignmentListView(DelegationListView):
    template_name = "delegation/assignment_list.html"
    filterset_class = AssignmentFilterSet

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    def decorate(self, rows):
        for a in rows:
            a.badge = TakeOverStatus.badge_class(a.takeover_status)
        return rows


class AssignmentCreateView(ServiceFormView):
    model = Assignment
    form_class = AssignmentForm
    template_name = "delegation/assignment_form.html"
    initial_fields = ("item", "division", "mode")

    def create(self, form):
        return services.assignment_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, assignment, *, created):
        return gettext("已交办：%(assignment)s（%(mode)s）") % {"assignment": assignment, "mode": assignment.get_mode_display()}

    def success_url(self, assignment):
        # The matrix posts with next= and returns there; the form page goes on to the new row.
        return reverse("delegation:assignment-detail", args=[assignment.pk])


class AssignmentDetailView(ScopedDetailView):
    template_name = "delegation/assignment_detail.html"
    states, state_field = TakeOverStatus, "takeover_status"

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    def get_detail_context(self, assignment):
        context = {"badge": TakeOverStatus.badge_class(assignment.takeover_status)}
        allowed = TakeOverStatus.actions_from(assignment.takeover_status)
        if self.can_change and allowed["revoke"]:
            context.update(
                take_over_form=TakeOverForm() if allowed["take-over"] else None,
                revoke_form=ReasonForm(),
                attach_form=AttachAgreementForm(user=self.request.user, assignment=assignment),
            )
        return context


class AssignmentActionView(ServiceActionView):
    """A step on an assignment: take over / revoke / attach an agreement."""

    states, state_field = TakeOverStatus, "takeover_status"
    success_url_name = "delegation:assignment-detail"

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)


class AssignmentTakeOverView(AssignmentActionView):
    transition = "take-over"
    form_class = TakeOverForm
    service = services.assignment_take_over

    def success_message(self, assignment, data):
        return gettext("已承接：%(assignment)s") % {"assignment": assignment}


class AssignmentRevokeView(AssignmentActionView):
    transition = "revoke"
    form_class = ReasonForm
    require_reason = True
    service = services.assignment_revoke

    def success_message(self, assignment, data):
        return gettext("已收回：%(assignment)s") % {"assignment": assignment}


class AssignmentAttachAgreementView(AssignmentActionView):
    transition = "attach-agreement"
    form_class = AttachAgreementForm
    service = services.assignment_attach_agreement

    def get_form_kwargs(self, assignment):
        return {"user": self.request.user, "assignment": assignment}

    def success_message(self, assignment, data):
        return gettext("已关联协议书：%(agreement)s") % {"agreement": data["agreement"]}


class AgreementListView(DelegationListView):
    template_name = "delegation/agreement_list.html"
    model = Agreement
    create_url = "delegation:agreement-create"

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user)


class AgreementCreateView(ServiceFormView):
    model = Agreement
    form_class = AgreementForm
    template_name = "delegation/agreement_form.html"

    def create(self, form):
        return services.agreement_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, agreement, *, created):
        return gettext("已登记协议书：%(agreement)s") % {"agreement": agreement}

    def success_url(self, agreement):
        return reverse("delegation:agreement-detail", args=[agreement.pk])


class AgreementDetailView(ScopedDetailView):
    template_name = "delegation/agreement_detail.html"

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user)

    def get_can_change(self, agreement):
        return False  # an agreement is registered once; nothing on its page changes it

    def get_detail_context(self, agreement):
        return {"assignments": list(selectors.assignment_list(user=self.request.user).filter(agreement=agreement))}


# --- exercise records ------------------------------------------------------------------------
class RecordListView(DelegationListView):
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

    def get_queryset(self):
        return selectors.exercise_record_page_list(user=self.request.user)

    def decorate(self, rows):
        self.today = timezone.localdate()
        self.can_write = scoping.may_write_model(self.request.user, ExerciseRecord)
        self.columns = record_columns(can_write=self.can_write)  # rendered by ScopedListView (rows_html)
        file_url = pk_url("delegation:record-file")
        outcomes = {value: str(label) for value, label in Outcome.choices}  # once per page, not per row
        for record in decorate_records(rows, self.today):
            record.outcome_label = outcomes.get(record.outcome, record.outcome)
            # Visible rows a writer cannot change (a clerk who is also auditor above) get the
            # button too: the POST answers 403, as before.
            record.file_url = file_url(record.pk) if self.can_write and record.filed_on is None else ""
        return rows

    def row_attrs(self, record):
        return record_row_attrs(record)

    def get_extra_context(self):
        user, today = self.request.user, self.today
        overdue, provisional = selectors.record_page_counts(user=user, today=today, at_most=self.OVERDUE_COUNT_MAX)
        filter_fields, filter_hidden = self.filterset.page_fields()
        due_soon = (
            selectors.due_soon_record_list(user=user, today=today)
            .select_related(None)
            .only("id", "decision_number", "filing_due_on", "filing_due_provisional", "filed_on")  # what the box shows
            .order_by("filing_due_on")[:10]
        )
        return {
            "today": today,
            "can_write": self.can_write,
            "overdue_count": overdue,
            "overdue_display": f"{self.OVERDUE_COUNT_MAX}+" if overdue > self.OVERDUE_COUNT_MAX else overdue,
            "due_soon": decorate_records(list(due_soon), today),
            "provisional_count": provisional,
            "filter_fields": filter_fields,
            "filter_hidden": filter_hidden,
        }


class RecordCreateView(ServiceFormView):
    model = ExerciseRecord
    form_class = ExerciseRecordForm
    template_name = "delegation/record_form.html"

    def create(self, form):
        return services.exercise_record_create(actor=self.request.user, **form.cleaned_data)

    def success_message(self, record, *, created):
        provisional = gettext("（暂定：该年度节假日安排尚未录入，录入后自动重算）") if record.filing_due_provisional else ""
        return gettext("已登记办件：%(number)s，备案期限 %(due)s") % {
            "number": record.decision_number, "due": f"{record.filing_due_on:%Y-%m-%d}"} + provisional

    def success_url(self, record):
        return reverse("delegation:record-detail", args=[record.pk])

    def form_context(self, form):
        # A clerk whose town has taken nothing over would otherwise face an empty item list.
        return {"no_items": not form.fields["item"].queryset.exists()}


class RecordDetailView(ScopedDetailView):
    template_name = "delegation/record_detail.html"
    context_object_name = "record"
    states, state_field = FilingState, "state"

    def get_queryset(self):
        return selectors.exercise_record_list(user=self.request.user)

    def get_object(self):
        return decorate_records([super().get_object()], timezone.localdate())[0]

    def get_detail_context(self, record):
        allowed = self.can_change and FilingState.allows("file", record.state)
        return {"file_form": FileRecordForm() if allowed else None}


class RecordFileView(ServiceActionView):
    """备案: mark a record filed. Filing twice is refused by the service, which says when it was."""

    form_class = FileRecordForm
    object_arg = "record"
    service = services.exercise_record_file
    success_url_name = "delegation:record-detail"

    def get_queryset(self):
        return selectors.exercise_record_list(user=self.request.user)

    def get_form_kwargs(self, obj) -> dict:
        return {"files": self.request.FILES}  # the receipt scan of a late entry (补录)

    def success_message(self, record, data):
        state = FilingState(record.filing_state(timezone.localdate()).value)
        message = gettext("已备案：%(number)s（%(state)s）") % {"number": record.decision_number, "state": state.label}
        return message + (gettext("，补录") if record.filing_late_entry else "")


class OverdueListView(LoginRequiredMixin, TemplateView):
    """Unfiled records past their due date across the towns in scope, by town or by due date.

    Not a keyset list: at most ``limit`` rows in town or due-date order, under a summary per town.
    """

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
            "late_entry_count": selectors.late_entry_record_count(user=user, at_most=RecordListView.OVERDUE_COUNT_MAX),
        }


# --- training --------------------------------------------------------------------------------
class TrainingListView(DelegationListView):
    template_name = "delegation/training_list.html"
    filterset_class = TrainingFilterSet
    model = Training
    create_url = "delegation:training-create"

    def get_queryset(self):
        return selectors.training_list(user=self.request.user)


class TrainingCreateView(ServiceFormView):
    model = Training
    form_class = TrainingForm
    template_name = "delegation/training_form.html"

    def create(self, form):
        return services.training_record(actor=self.request.user, **form.cleaned_data)

    def success_message(self, training, *, created):
        return gettext("已登记培训：%(training)s") % {"training": training}

    def success_url(self, training):
        return reverse("delegation:training-list")

"""Reads of the catalogue that depend on the user, all built on regions.scoping.

Every selector returns rows the user may see and nothing else; lookups of rows outside the
scope raise Http404 (a clerk of town A asking for town B's record gets 404, never the row).
Each list query joins what its pages and serializers show, so the number of queries does
not grow with the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import deadlines
from regions import scoping
from regions.choices import Level, PilotKind
from regions.models import Division, PilotDesignation

from .choices import FilingState, ItemStatus, TakeOverStatus
from .models import (
    Agreement,
    Assignment,
    Batch,
    ExerciseRecord,
    FilingDueRecomputed,
    Item,
    ItemStatusChange,
    Training,
)


# --- items -----------------------------------------------------------------------------------
def item_list(*, user) -> QuerySet:
    """Items the user may see: published catalogues in and above their jurisdiction; drafts only
    for the bodies that write the catalogue (the office)."""
    visible = scoping.scope(Item.objects.all(), user)
    drafts_writable = scoping.scope(Item.objects.filter(status=ItemStatus.DRAFT), user, scoping.CHANGE)
    qs = visible.filter(~Q(status=ItemStatus.DRAFT) | Q(id__in=drafts_writable.values("id")))
    return qs.select_related("department__division", "batch")


def item_get(*, user, pk) -> Item:
    return get_object_or_404(item_list(user=user), pk=pk)


def item_status_changes(*, item: Item) -> QuerySet:
    return ItemStatusChange.objects.filter(item=item).select_related("actor").order_by("effective_on", "id")


def item_assignments(*, user, item: Item) -> QuerySet:
    """The receiving bodies (in the user's scope) the item is assigned to."""
    return assignment_list(user=user).filter(item=item)


def batch_list(*, user) -> QuerySet:
    return scoping.scope(Batch.objects.select_related("division"), user)


def batch_writable(*, user) -> QuerySet:
    return scoping.scope(Batch.objects.select_related("division"), user, scoping.CHANGE)


def batch_get(*, user, pk) -> Batch:
    return get_object_or_404(batch_list(user=user), pk=pk)


def batch_open_for_publishing(*, user) -> QuerySet:
    """The batches ``user`` may publish items into: theirs and not yet published (a published
    batch is closed), the soonest effective first."""
    return batch_writable(user=user).filter(published_on__isnull=True).order_by("effective_on", "code")


def batch_divisions(*, user) -> QuerySet:
    """The bodies ``user`` may publish a batch for: the divisions above town level where they
    write the catalogue (a county office: its county)."""
    q = Q() if getattr(user, "is_superuser", False) and user.is_active else Q(pk__in=[])
    for g in scoping.grants(user):
        if g.role in Batch.jurisdiction_writers:
            q |= Q(path__startswith=g.path)
    return Division.objects.filter(q).exclude(level=Level.TOWN).order_by("path")


def batch_draft_items(*, user, batch: Batch) -> QuerySet:
    """Draft items ``user`` writes whose department lies within the batch's division: what may be
    published into it."""
    drafts = scoping.scope(Item.objects.filter(status=ItemStatus.DRAFT), user, scoping.CHANGE)
    return drafts.filter(department__division__path__startswith=batch.division.path).select_related(
        "department__division").order_by("code")


def batch_items(*, user, batch: Batch) -> QuerySet:
    """The items of ``batch`` the user may see, by code."""
    return item_list(user=user).filter(batch=batch).order_by("code")


# --- assignments and agreements --------------------------------------------------------------
def assignment_list(*, user) -> QuerySet:
    return scoping.scope(Assignment.objects.all(), user).select_related(
        "item__department__division", "division", "agreement"
    )


def assignment_get(*, user, pk) -> Assignment:
    return get_object_or_404(assignment_list(user=user), pk=pk)


def agreement_list(*, user) -> QuerySet:
    return scoping.scope(Agreement.objects.select_related("department__division", "division"), user)


def agreement_get(*, user, pk) -> Agreement:
    return get_object_or_404(agreement_list(user=user), pk=pk)


def pilot_towns(*, user) -> QuerySet:
    """Towns in the user's scope, pilot towns annotated (``is_pilot``), in path order."""
    pilot = PilotDesignation.objects.filter(division=OuterRef("pk"), kind=PilotKind.TOWN, revoked_on__isnull=True)
    return scoping.towns_visible(user).annotate(is_pilot=Exists(pilot)).order_by("path")


@dataclass
class MatrixCell:
    town: Division
    assignment: Assignment | None  # the active (not revoked) assignment, if any


@dataclass
class MatrixRow:
    item: Item
    cells: list[MatrixCell] = field(default_factory=list)  # one per town, in column order


@dataclass
class Matrix:
    towns: list[Division]
    rows: list[MatrixRow]


def assignment_matrix(*, user, items: QuerySet | None = None) -> Matrix:
    """Items (published / in force) × towns in scope, each cell the town and its active assignment.

    ``items`` narrows the rows: ``item_list(user=user)`` as the view's ItemFilterSet filtered
    it (the view applies the FilterSet, not the selector); it is kept within ``item_list``.
    Three queries whatever the size: towns, items, assignments.
    """
    towns = list(pilot_towns(user=user))
    visible = item_list(user=user)
    if items is not None:
        visible = visible.filter(pk__in=items.values("pk"))
    items = list(visible.filter(status__in=[ItemStatus.PUBLISHED, ItemStatus.IN_FORCE]).order_by("code"))
    town_ids = [t.id for t in towns]
    active = {}
    if items and towns:
        for a in (
            Assignment.objects.filter(item__in=[i.id for i in items], division_id__in=town_ids)
            .exclude(takeover_status=TakeOverStatus.REVOKED)
            .select_related("agreement")
        ):
            active[(a.item_id, a.division_id)] = a
    rows = [MatrixRow(item=i, cells=[MatrixCell(t, active.get((i.id, t.id))) for t in towns]) for i in items]
    return Matrix(towns=towns, rows=rows)


# --- exercise records ------------------------------------------------------------------------
def exercise_record_list(*, user) -> QuerySet:
    return scoping.scope(ExerciseRecord.objects.all(), user).select_related(
        "division", "item__department__division", "officer"
    )


# What the HTML list shows of a record (templates/delegation/record_list.html): the record's own
# columns and two names, no timestamps or author columns, one model instance a row (the names
# are annotations, not select_related instances).
RECORD_PAGE_FIELDS = (
    "id", "division_id", "item_id", "applicant", "decided_on", "outcome", "decision_number", "filing_due_on",
    "filing_due_provisional", "filed_on", "filing_late_entry",
)


def exercise_record_page_list(*, user) -> QuerySet:
    """``exercise_record_list`` with only what the list page shows; ``division_name`` and
    ``item_name`` annotated."""
    return (
        exercise_record_list(user=user)
        .select_related(None)
        .only(*RECORD_PAGE_FIELDS)
        .annotate(division_name=F("division__name"), item_name=F("item__name"))
    )


def exercise_record_get(*, user, pk) -> ExerciseRecord:
    return get_object_or_404(exercise_record_list(user=user), pk=pk)


def overdue_record_list(*, user, today: datetime.date | None = None) -> QuerySet:
    """Unfiled records whose filing due date has passed, oldest due first (uses record_unfiled_due)."""
    today = today or timezone.localdate()
    return exercise_record_list(user=user).filter(ExerciseRecord.filing_state_q(FilingState.OVERDUE, today)).order_by(
        "filing_due_on", "division__path", "id"
    )


def overdue_record_count(*, user, today: datetime.date | None = None, at_most: int | None = None) -> int:
    """How many records are overdue (as ``overdue_record_list``).

    With ``at_most`` the count stops at ``at_most + 1`` rows: a province has ~145,000 overdue
    records and counting them all costs 40-60 ms, stopping at 10,000 about 2 ms. A result above
    ``at_most`` means "more than ``at_most``".
    """
    qs = overdue_record_list(user=user, today=today).order_by().select_related(None)
    if at_most is not None:
        qs = qs[: at_most + 1]
    return qs.count()


DUE_SOON_DAYS = 7  # the home page's "7日内到期"


def due_soon_record_list(*, user, today: datetime.date | None = None, days: int = DUE_SOON_DAYS) -> QuerySet:
    """Unfiled records due within ``days`` calendar days from today (a reminder, not a deadline):
    the records list's ``due_within`` filter is the same condition (core.deadlines.due_within_q)."""
    today = today or timezone.localdate()
    return exercise_record_list(user=user).filter(
        deadlines.due_within_q(days, today, due="filing_due_on", done="filed_on"))


def provisional_record_count(*, user, at_most: int | None = None) -> int:
    """How many records in scope have a provisional (暂定) filing due date (index record_provisional_due).

    With ``at_most`` the count stops at ``at_most + 1``, as ``overdue_record_count``.
    """
    qs = exercise_record_list(user=user).filter(filing_due_provisional=True).order_by().select_related(None)
    if at_most is not None:
        qs = qs[: at_most + 1]
    return qs.count()


def record_page_counts(*, user, today: datetime.date, at_most: int) -> tuple[int, int]:
    """(``overdue_record_count``, ``provisional_record_count``) with ``at_most``, in one query: the
    list page shows both on every page, and each was a round trip and a compilation of its own."""
    parts, params = [], []
    for qs in (overdue_record_list(user=user, today=today).order_by().select_related(None),
               exercise_record_list(user=user).filter(filing_due_provisional=True).order_by().select_related(None)):
        try:
            sql, p = qs.values("id")[: at_most + 1].query.sql_with_params()
        except EmptyResultSet:  # a scope that can match nothing
            parts.append("0")
            continue
        parts.append(f"(SELECT count(*) FROM ({sql}) AS part)")  # nosec B608 # a count over the SQL Django compiled from a scoped queryset; values are parameters
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        overdue, provisional = cursor.fetchone()
    return overdue, provisional


def late_entry_record_count(*, user, at_most: int | None = None) -> int:
    """How many records in scope are late entries (补录: filed on time by date, recorded after the
    due date; index record_late_entry). With ``at_most``, as ``provisional_record_count``."""
    qs = exercise_record_list(user=user).filter(filing_late_entry=True).order_by().select_related(None)
    if at_most is not None:
        qs = qs[: at_most + 1]
    return qs.count()


def due_recomputed_list(*, user) -> QuerySet:
    """Filing due dates moved when their year's holidays were entered, newest first, in scope."""
    return (
        scoping.scope(FilingDueRecomputed.objects.all(), user)
        .select_related("record__division", "record__item", "actor")
        .order_by("-at", "-id")
    )


def record_items_for(*, divisions) -> QuerySet:
    """Items the ``divisions`` (a queryset or list) have taken over and not had revoked: the
    choices of a new record."""
    # A semi-join, not a join + DISTINCT over every item column: for all towns (the superuser)
    # the DISTINCT sorted 45,000 assignment rows on disk (1.1-1.6 s); this takes a few ms.
    taken_over = Assignment.objects.filter(
        division__in=divisions, takeover_status=TakeOverStatus.TAKEN_OVER
    ).values("item_id")
    return Item.objects.filter(id__in=taken_over).select_related("department__division").order_by("code")


def writable_towns(*, user, model=ExerciseRecord) -> QuerySet:
    """Towns in which the user may write rows of ``model`` (its ``jurisdiction_writers`` roles)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Division.objects.filter(level=Level.TOWN).order_by("path")
    writers = getattr(model, "jurisdiction_writers", ())
    q = Q(pk__in=[])
    for g in scoping.grants(user):
        if g.role in writers:
            q |= Q(path__startswith=g.path)
    return Division.objects.filter(q, level=Level.TOWN).order_by("path")


# --- training --------------------------------------------------------------------------------
def training_list(*, user) -> QuerySet:
    return scoping.scope(Training.objects.all(), user).select_related("division", "department__division").prefetch_related(
        Prefetch("items", queryset=Item.objects.only("id", "code", "name").order_by("code"))
    )


# --- charts and the home page ----------------------------------------------------------------
# Each figure is one aggregate query in SQL, scoped like the lists it summarises; the chart
# endpoints (views_charts.py) and the home card (home.py) only format what these return.
FIGURE_COUNT_MAX = 9999  # as RecordListView.OVERDUE_COUNT_MAX: "9999+" beyond


def division_in_scope(*, user, pk) -> Division:
    """A division the user sees (404 otherwise): what a chart may be narrowed to."""
    return get_object_or_404(scoping.divisions_visible(user), pk=pk)


def takeover_by_town(*, user, within: Division | None = None) -> list[dict]:
    """Per pilot town in scope (path order): ``assigned`` (assignments not revoked) and
    ``taken_over`` of them. Towns without any assignment are listed with zeros. One query."""
    pilot = PilotDesignation.objects.filter(division=OuterRef("pk"), kind=PilotKind.TOWN, revoked_on__isnull=True)
    towns = scoping.towns_visible(user).filter(Exists(pilot))
    if within is not None:
        towns = towns.filter(path__startswith=within.path)
    active = [TakeOverStatus.ASSIGNED, TakeOverStatus.TAKEN_OVER]
    return list(
        towns.annotate(
            assigned=Count("assignments", filter=Q(assignments__takeover_status__in=active)),
            taken_over=Count("assignments", filter=Q(assignments__takeover_status=TakeOverStatus.TAKEN_OVER)),
        ).order_by("path").values("id", "name", "assigned", "taken_over")
    )


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    year, month = today.year, today.month - (months - 1)
    while month <= 0:
        month, year = month + 12, year - 1
    out = []
    for _ in range(months):
        out.append(datetime.date(year, month, 1))
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return out


def filing_by_month(*, user, within: Division | None = None, today: datetime.date | None = None,
                    months: int = 12) -> list[dict]:
    """Exercise records in scope decided in the last ``months`` calendar months (this one
    included), per decision month: how many were filed ``on_time``, ``late``, are ``overdue``
    (unfiled past the due date) or ``pending`` (unfiled, not yet due), as of ``today``.
    Every month is listed, with zeros where nothing was decided. One query."""
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    qs = scoping.scope(ExerciseRecord.objects.all(), user).filter(decided_on__gte=starts[0], decided_on__lte=today)
    if within is not None:
        if within.level == Level.TOWN:
            qs = qs.filter(division_id=within.id)
        else:
            qs = qs.filter(division__path__startswith=within.path)
    states = (FilingState.ON_TIME, FilingState.LATE, FilingState.OVERDUE, FilingState.PENDING)
    counted = {
        row["month"]: row
        for row in qs.annotate(month=TruncMonth("decided_on")).values("month").annotate(
            **{state.value: Count("id", filter=ExerciseRecord.filing_state_q(state, today)) for state in states}
        ).order_by()
    }
    return [{"month": start, **{s.value: counted.get(start, {}).get(s.value, 0) for s in states}} for start in starts]


@dataclass(frozen=True)
class HomeFigures:
    items_in_force: int
    assigned: int
    taken_over: int
    due_soon: int
    overdue: int
    provisional: int

    @property
    def takeover_rate(self) -> float | None:
        return None if not self.assigned else self.taken_over / self.assigned


def home_figures(*, user, today: datetime.date | None = None) -> HomeFigures:
    """The delegation card of the home page: five queries, each capped where it could be large."""
    today = today or timezone.localdate()
    assignments = scoping.scope(Assignment.objects.all(), user).aggregate(
        assigned=Count("id", filter=Q(takeover_status__in=[TakeOverStatus.ASSIGNED, TakeOverStatus.TAKEN_OVER])),
        taken_over=Count("id", filter=Q(takeover_status=TakeOverStatus.TAKEN_OVER)),
    )
    due_soon = due_soon_record_list(user=user, today=today).order_by().select_related(None)[: FIGURE_COUNT_MAX + 1]
    return HomeFigures(
        items_in_force=scoping.scope(Item.objects.filter(status=ItemStatus.IN_FORCE), user).count(),
        assigned=assignments["assigned"],
        taken_over=assignments["taken_over"],
        due_soon=due_soon.count(),
        overdue=overdue_record_count(user=user, today=today, at_most=FIGURE_COUNT_MAX),
        provisional=provisional_record_count(user=user, at_most=FIGURE_COUNT_MAX),
    )

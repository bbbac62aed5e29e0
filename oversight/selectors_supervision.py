"""Reads of the half-yearly supervision (综合督查), its reports and the item inspections: scoped
lists (404 outside the jurisdiction), the findings of a supervision by town, and the figures of
the written report drawn from every app through its own selectors (oversight never reads another
app's models).

``supervision_for_period`` and ``findings_summary`` are what other parts (the auditor's bundle)
read of the supervision."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core import files
from delegation import selectors as delegation_selectors
from delegation import selectors_agenda as delegation_agenda
from delegation.choices import ItemStatus
from finance import selectors as finance_selectors
from landuse import selectors as landuse_selectors
from personnel import selectors_staffing
from regions import scoping
from regions.choices import Role
from regions.models import Division

from . import selectors
from .choices import FindingCategory, FindingOccasion, FindingState, Half, ReportState, Severity
from .models import (
    Finding,
    FindingSource,
    ItemInspection,
    LeadingGroup,
    Supervision,
    SupervisionParticipant,
    SupervisionReport,
)

ZERO = Decimal("0.00")
MU = Decimal("0.0001")  # land in mu, four places as landuse keeps it

# --- scoped lists ------------------------------------------------------------------------------


def supervision_list(*, user) -> QuerySet:
    return scoping.scope(Supervision.objects.select_related("group__division"), user).annotate(
        finding_count=Count("sources", distinct=True))


def supervision_get(*, user, pk) -> Supervision:
    return get_object_or_404(supervision_list(user=user), pk=pk)


def report_list(*, user) -> QuerySet:
    return scoping.scope(SupervisionReport.objects.select_related("supervision__group", "requested_by"), user)


def report_get(*, user, pk) -> SupervisionReport:
    return get_object_or_404(report_list(user=user), pk=pk)


def inspection_list(*, user) -> QuerySet:
    return scoping.scope(ItemInspection.objects.select_related("group__division"), user).annotate(
        finding_count=Count("sources", distinct=True))


def inspection_get(*, user, pk) -> ItemInspection:
    return get_object_or_404(inspection_list(user=user), pk=pk)


def register_files() -> None:
    """The report PDFs are served only through core.files' checked view: to whoever sees the
    supervision (the county's office, auditor, the city above), once generated. Called by
    OversightConfig.ready() (hunk S.md) and, until then, by urls_supervision and the tests."""
    files.register(SupervisionReport, "pdf",
                   queryset=lambda user: report_list(user=user).filter(state=ReportState.DONE),
                   filename=lambda report: report.filename)


def supervision_parts(*, supervision: Supervision) -> dict:
    """What the supervision's page shows: participants, reports, findings (three queries)."""
    return {
        "participants": list(supervision.participants.select_related("department").order_by("id")),
        "reports": list(supervision.reports.select_related("requested_by").order_by("-version")),
        "findings": list(supervision_findings(supervision=supervision)),
    }


def supervision_findings(*, supervision: Supervision) -> QuerySet:
    """The findings recorded in the supervision, by town."""
    return (Finding.objects.filter(source__supervision=supervision).select_related("town")
            .order_by("town__code", "found_on", "id"))


def inspection_findings(*, inspection: ItemInspection) -> QuerySet:
    return Finding.objects.filter(source__inspection=inspection).select_related("town").order_by("town__code", "id")


def latest_supervision(*, group: LeadingGroup) -> Supervision | None:
    return group.supervisions.order_by("-year", "-half").first()


def open_supervisions() -> QuerySet:
    """Every active leading group (the half-yearly job opens a supervision for each)."""
    return selectors.active_groups()


# --- for other parts (the auditor's bundle) ----------------------------------------------------

@dataclass
class TownFindings:
    town_id: int
    town: str
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def findings_summary(*, findings: QuerySet, today: datetime.date) -> list[TownFindings]:
    """Per town (code order): how many findings, by state, category and severity, and how many
    are overdue (still to rectify past their deadline). One query."""
    rows = (findings.order_by().values("town_id", "town__name", "town__code", "state", "category", "severity")
            .annotate(n=Count("id"), late=Count("id", filter=selectors.finding_overdue_q(today)))
            .order_by("town__code"))
    towns: dict[int, TownFindings] = {}
    for r in rows:
        t = towns.setdefault(r["town_id"], TownFindings(r["town_id"], r["town__name"]))
        t.total += r["n"]
        t.overdue += r["late"]
        for key, value in (("by_state", r["state"]), ("by_category", r["category"]), ("by_severity", r["severity"])):
            bucket = getattr(t, key)
            bucket[value] = bucket.get(value, 0) + r["n"]
    return list(towns.values())


def supervision_for_period(*, user, start: datetime.date, end: datetime.date) -> list[Supervision]:
    """The supervisions in the user's scope whose half year overlaps [start, end], newest first,
    each with ``findings`` (its findings, town first) and ``latest_report`` (the newest generated
    version or None). Three queries."""
    halves = Q(pk__in=[])
    for year in range(start.year, end.year + 1):
        for half in (1, 2):
            first, last = Half.bounds(year, half)
            if first <= end and last >= start:
                halves |= Q(year=year, half=half)
    done = SupervisionReport.objects.filter(state=ReportState.DONE).order_by("-version")
    rows = list(supervision_list(user=user).filter(halves).order_by("-year", "-half", "id").prefetch_related(
        Prefetch("reports", queryset=done, to_attr="done_reports"),
        Prefetch("sources", queryset=FindingSource.objects.select_related("finding__town").order_by(
            "finding__town__code", "finding__found_on", "finding_id"), to_attr="finding_sources")))
    for s in rows:
        s.findings = [src.finding for src in s.finding_sources]
        s.latest_report = s.done_reports[0] if s.done_reports else None
    return rows


# --- the report's figures ----------------------------------------------------------------------

class GroupReader:
    """Who the report reads the other apps as: the group's own division with a read-only role
    (an auditor's), whoever asked for the report. The figures are the group's towns', the same
    for every version whoever generates it; the other apps' user-scoped selectors narrow to them."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = None

    def __init__(self, division: Division):
        scoping.remember_grants(self, [(Role.AUDITOR, division.pk, division.path, division.level)])


def _money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def _mu(value) -> str:
    return str(Decimal(value or 0).quantize(MU))


def report_towns(*, supervision: Supervision) -> list[Division]:
    """The towns the report covers: those the group steers, and any other with a finding of the
    supervision, in code order."""
    steered = selectors.group_towns(supervision.group)
    ids = {t.pk for t in steered}
    extra = Division.objects.filter(pk__in=Finding.objects.filter(source__supervision=supervision)
                                    .exclude(town_id__in=ids).values("town_id"))
    return sorted([*steered, *extra], key=lambda t: t.code)


def report_findings(*, supervision: Supervision) -> QuerySet:
    """The findings the report lists: the supervision's own, and those of the group's item
    inspections and of the finance bureau's quarterly inspections found in its half year."""
    start, end = supervision.period
    others = Q(group=supervision.group, occasion__in=(FindingOccasion.ITEM_INSPECTION,
                                                      FindingOccasion.FINANCE_INSPECTION),
               found_on__gte=start, found_on__lte=end)
    return (Finding.objects.filter(Q(source__supervision=supervision) | others).select_related("town")
            .order_by("town__code", "occasion", "found_on", "id"))


def report_figures(*, supervision: Supervision, as_of: datetime.date) -> dict:
    """The figures of the half year's written report, as JSON (the report's snapshot): per town
    what delegation, finance, personnel and landuse report through their selectors for the half
    year (states as of ``as_of``), and the findings with their category, severity and state."""
    group = supervision.group
    start, end = supervision.period
    until = min(end, as_of)
    towns = report_towns(supervision=supervision)
    ids = [t.pk for t in towns]
    reader = GroupReader(group.division)

    takeover = {r["id"]: r for r in delegation_selectors.takeover_by_town(user=reader, within=group.division)}
    records = {r["division_id"]: r for r in (
        delegation_selectors.exercise_record_list(user=reader).filter(
            division_id__in=ids, decided_on__gte=start, decided_on__lte=until)
        .order_by().values("division_id").annotate(
            records=Count("id"),
            on_time=Count("id", filter=Q(filed_on__isnull=False, filed_on__lte=F("filing_due_on"))),
            late=Count("id", filter=Q(filed_on__gt=F("filing_due_on"))),
            unfiled_overdue=Count("id", filter=Q(filed_on__isnull=True, filing_due_on__lt=as_of))))}
    overdue_now = delegation_agenda.agenda_counts(town_ids=ids, today=as_of)["filing_overdue"]
    items_in_force = delegation_selectors.item_list(user=reader).filter(status=ItemStatus.IN_FORCE).count()
    money = {r.town_id: r for r in finance_selectors.reconciliation(user=reader, start=start, end=end, today=as_of)}
    overdue_entitlements: dict[int, int] = {}
    for e in finance_selectors.entitlement_overdue_list(user=reader, today=as_of).filter(town_id__in=ids).values(
            "town_id"):
        overdue_entitlements[e["town_id"]] = overdue_entitlements.get(e["town_id"], 0) + 1
    staffing = {t.town.pk: t for t in selectors_staffing.staffing_tables(towns=towns)}
    land = landuse_selectors.towns_figures(towns=towns, year=end.year)
    findings = list(report_findings(supervision=supervision))

    rows = []
    for town in towns:
        take, rec, rc = takeover.get(town.pk, {}), records.get(town.pk, {}), money.get(town.pk)
        table, quota = staffing.get(town.pk), land.get(town.pk)
        mine = [f for f in findings if f.town_id == town.pk]
        rows.append({
            "id": town.pk, "name": town.name, "code": town.code,
            "delegation": {"assigned": take.get("assigned", 0), "taken_over": take.get("taken_over", 0),
                           "records": rec.get("records", 0), "on_time": rec.get("on_time", 0),
                           "late": rec.get("late", 0), "unfiled_overdue": rec.get("unfiled_overdue", 0),
                           "overdue_now": overdue_now.get(town.pk, 0)},
            "finance": {"owed": _money(rc.owed if rc else ZERO), "paid": _money(rc.paid if rc else ZERO),
                        "outstanding": _money(rc.outstanding if rc else ZERO),
                        "overdue": _money(rc.overdue if rc else ZERO),
                        "overdue_count": overdue_entitlements.get(town.pk, 0)},
            "personnel": {"approved": sum(r.approved for r in table.totals) if table else 0,
                          "filled": sum(r.filled for r in table.totals) if table else 0,
                          "free": sum(r.free for r in table.totals) if table else 0},
            "landuse": {"received": _mu(quota.received if quota else 0), "gained": _mu(quota.gained if quota else 0),
                        "used": _mu(quota.used if quota else 0), "available": _mu(quota.available if quota else 0)},
            "findings": {"total": len(mine),
                         **{s: sum(1 for f in mine if f.state == s) for s in FindingState.values},
                         "overdue": sum(1 for f in mine if f.state in FindingState.PENDING and f.due_on < as_of)},
        })
    participants = list(SupervisionParticipant.objects.filter(supervision=supervision).select_related("department")
                        .order_by("id"))
    return {
        "supervision": supervision.pk, "title": supervision.title, "group": group.name,
        "division": group.division.name, "year": supervision.year, "half": supervision.half,
        "start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat(),
        "opened_on": supervision.opened_on.isoformat(), "items_in_force": items_in_force,
        "participants": [{"name": p.department.name, "role": p.role, "role_label": p.get_role_display()}
                         for p in participants],
        "towns": rows,
        "findings": [{
            "id": f.pk, "town_id": f.town_id, "town": f.town.name, "occasion": f.occasion,
            "occasion_label": str(FindingOccasion(f.occasion).label),
            "category": f.category, "category_label": str(FindingCategory(f.category).label),
            "severity": f.severity, "severity_label": str(Severity(f.severity).label),
            "state": f.state, "state_label": str(FindingState(f.state).label),
            "description": f.description, "rule_breached": f.rule_breached, "found_on": f.found_on.isoformat(),
            "due_on": f.due_on.isoformat(),
            "overdue": f.state in FindingState.PENDING and f.due_on < as_of,
        } for f in findings],
    }

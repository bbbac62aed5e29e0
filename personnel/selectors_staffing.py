"""Reads of the establishment, institutions, people and posts (issue 12 §1–4), scoped by
regions.scoping; the numbers come from the ledger's balances (one query per table)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from core.ledger.models import Balance, Entry, Phase
from regions import scoping
from regions.models import Division
from regions.selectors import is_pilot_town

from .choices_staffing import EstablishmentKind, PersonStatus, QuotaKind
from .models import (
    EstablishmentApproval,
    Institution,
    InstitutionPlan,
    PayrollCount,
    Person,
    Post,
    StaffingMovement,
)
from .rules_staffing import LEDGER, PersonalData

KINDS = (EstablishmentKind.ADMIN, EstablishmentKind.PUBLIC)
LEADER_QUOTAS = (QuotaKind.LEADER_ZK, QuotaKind.LEADER_FK)


def town_is_pilot(town: Division) -> bool:
    return Division.objects.filter(pk=town.pk).filter(is_pilot_town()).exists()


def _balances(owner_ids, prefix: str = "") -> dict[tuple[int, str], int]:
    """(owner id, account code) → posted balance, of the establishment ledger (one query)."""
    rows = Balance.objects.filter(account__ledger=LEDGER, account__owner_id__in=list(owner_ids))
    if prefix:
        rows = rows.filter(account__code__startswith=prefix)
    return {(o, c): int(p) for o, c, p in rows.values_list("account__owner_id", "account__code", "posted")}


def _numbers(free: int, filled: int) -> dict:
    return {"approved": free + filled, "filled": filled, "free": free}


def institution_numbers(institution: Institution) -> dict[str, dict]:
    """kind → approved / filled / free of one institution, from its ledger accounts."""
    b = _balances([institution.town_id], prefix=f"inst:{institution.pk}:")
    t = institution.town_id
    return {k: _numbers(b.get((t, f"inst:{institution.pk}:free:{k}"), 0), b.get((t, f"inst:{institution.pk}:filled:{k}"), 0))
            for k in KINDS}


def leader_numbers(town: Division) -> dict[str, dict]:
    b = _balances([town.pk])
    return {q: _numbers(b.get((town.pk, f"free:{q}"), 0), b.get((town.pk, f"filled:{q}"), 0)) for q in LEADER_QUOTAS}


@dataclass
class StaffingRow:
    label: str
    kind: str
    approved: int
    filled: int
    free: int
    institution: Institution | None = None
    people: int = 0  # people of the roll in establishment on it (the reconciliation with the ledger)


@dataclass
class StaffingTable:
    """The town's staffing table (机构编制使用情况表): per kind the town's approved total, what is
    unallocated, and per institution approved / filled / free; the leadership posts by level."""

    town: Division
    totals: list[StaffingRow] = field(default_factory=list)
    institutions: list[StaffingRow] = field(default_factory=list)
    leaders: list[StaffingRow] = field(default_factory=list)
    unallocated: dict[str, int] = field(default_factory=dict)

    def chart(self) -> dict:
        """Approved vs filled vs free per institution and kind (core.charts' bar data)."""
        labels = [f"{r.label}（{EstablishmentKind(r.kind).label}）" for r in self.institutions]
        return {"labels": labels, "filled": [r.filled for r in self.institutions],
                "free": [r.free for r in self.institutions]}


def staffing_table(*, town: Division) -> StaffingTable:
    """The staffing table of one town (already scoped by the caller): three queries."""
    return staffing_tables(towns=[town])[0]


def staffing_tables(*, towns: list[Division]) -> list[StaffingTable]:
    """The staffing tables of ``towns`` (already scoped by the caller), in their order: three
    queries however many towns (the balances, the people on the roll, the institutions)."""
    pks = [town.pk for town in towns]
    b = _balances(pks)
    people = {(t, i, k): n for t, i, k, n in Person.objects.filter(town_id__in=pks, status=PersonStatus.IN).order_by()
              .values("town_id", "post__institution_id", "post__kind").annotate(n=Count("id"))
              .values_list("town_id", "post__institution_id", "post__kind", "n")}
    by_town: dict[int, list[Institution]] = {pk: [] for pk in pks}
    for inst in Institution.objects.filter(town_id__in=pks, abolished_on__isnull=True).order_by("id"):
        by_town[inst.town_id].append(inst)
    return [_table(town, b, people, by_town[town.pk]) for town in towns]


def _table(town: Division, b: dict, people: dict, institutions: list[Institution]) -> StaffingTable:
    table = StaffingTable(town=town)
    t = town.pk
    for kind in KINDS:
        approved = -b.get((t, f"approved:{kind}"), 0)
        unallocated = b.get((t, f"unallocated:{kind}"), 0)
        table.unallocated[kind] = unallocated
        filled = free = count = 0
        for inst in institutions:
            row = StaffingRow(inst.name, kind, 0, b.get((t, f"inst:{inst.pk}:filled:{kind}"), 0),
                              b.get((t, f"inst:{inst.pk}:free:{kind}"), 0), inst, people.get((t, inst.pk, kind), 0))
            row.approved = row.filled + row.free
            filled, free, count = filled + row.filled, free + row.free, count + row.people
            if row.approved or row.filled or row.people:
                table.institutions.append(row)
        table.totals.append(StaffingRow(EstablishmentKind(kind).label, kind, approved, filled, free + unallocated,
                                        people=count))
    table.institutions.sort(key=lambda r: (r.institution.pk, r.kind))
    for quota in LEADER_QUOTAS:
        filled, free = b.get((t, f"filled:{quota}"), 0), b.get((t, f"free:{quota}"), 0)
        table.leaders.append(StaffingRow(QuotaKind(quota).label, quota, -b.get((t, f"approved:{quota}"), 0), filled, free))
    return table


# --- lists, scoped -------------------------------------------------------------------------------


def person_list(*, user) -> QuerySet:
    return scoping.scope(Person.objects.select_related("town", "post__institution"), user)


def sees_personal_data(*, user, town: Division) -> bool:
    """May ``user`` see the personal data of a person of ``town`` in full? Only through a
    membership whose jurisdiction holds the town and whose role is in PII_ROLES (the office of
    county A who audits county B sees B's people masked); the administrator always. No query:
    the grants are cached on the user, the town comes with the row (person_list)."""
    return scoping.can(user, scoping.CHANGE, PersonalData(town))


def person_movements(*, person: Person) -> list[StaffingMovement]:
    return list(person.movements.select_related("post_from__institution", "post_to__institution", "posting")
                .order_by("document_date", "id"))


def institution_list(*, user) -> QuerySet:
    return scoping.scope(Institution.objects.select_related("town"), user)


def post_list(*, user) -> QuerySet:
    return scoping.scope(Post.objects.select_related("institution__town"), user)


def plan_list(*, user) -> QuerySet:
    return scoping.scope(InstitutionPlan.objects.select_related("town").annotate(line_count=Count("lines")), user)


def approval_list(*, user) -> QuerySet:
    return scoping.scope(EstablishmentApproval.objects.select_related("town", "posting"), user)


def payroll_list(*, user) -> QuerySet:
    return scoping.scope(PayrollCount.objects.select_related("town"), user)


def towns_with_establishment(*, user) -> QuerySet:
    return scoping.towns_visible(user).filter(
        Q(institutions__isnull=False) | Q(establishment_approvals__isnull=False)).distinct().order_by("path")


# --- 4. the cross-check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """One finding of the cross-check: which town, month and kind, what is wrong, the numbers."""

    town: Division
    month: datetime.date
    kind: str
    problem: str  # "vacant" 空编, "over" 超编, "paid_without_post" 吃空饷, "ledger_roll" 台账与名册不符
    approved: int
    people: int
    ledger_filled: int
    paid: int | None

    @property
    def label(self) -> str:
        return str(PROBLEMS[self.problem])

    @property
    def difference(self) -> int:
        return {"vacant": self.approved - self.people, "over": self.people - self.approved,
                "paid_without_post": (self.paid or 0) - self.people,
                "ledger_roll": self.people - self.ledger_filled}[self.problem]


PROBLEMS = {
    "vacant": _("空编"),
    "over": _("超编"),
    "paid_without_post": _("发薪人数多于在编人数（无编发薪）"),
    "ledger_roll": _("编制台账与人员名册不符"),
}


def _month_end(month: datetime.date) -> datetime.date:
    nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def cross_check(*, towns, month: datetime.date) -> list[Mismatch]:
    """For each town and kind at the end of ``month``: approved posts (ledger), people in
    establishment (the roll: entered on or before, not left by, the month's end), filled posts
    (ledger) and people paid (the finance bureau's count). Lists every 空编, 超编, payment beyond
    the people in establishment, and any difference between the roll and the ledger. Four queries."""
    end = _month_end(month.replace(day=1))
    towns = list(towns)
    ids = [t.pk for t in towns]
    sums = defaultdict(int)
    for owner, code, amount in (Entry.objects.filter(account__ledger=LEDGER, account__owner_id__in=ids,
                                                     phase=Phase.POSTED, booked_on__lte=end)
                                .values("account__owner_id", "account__code").annotate(s=Sum("amount"))
                                .values_list("account__owner_id", "account__code", "s")):
        sums[(owner, code)] = int(amount)
    people = defaultdict(int)
    on_roll = (Person.objects.filter(town_id__in=ids, entry_date__lte=end)
               .filter(Q(exit_date__isnull=True) | Q(exit_date__gt=end)))
    # The kind of the post held at the month's end: the movements say which post that was.
    for town_id, kind, n in _roll_kinds(on_roll, end):
        people[(town_id, kind)] += n
    paid = {(t, k): c for t, k, c in PayrollCount.objects.filter(town_id__in=ids, month=month.replace(day=1))
            .values_list("town_id", "kind", "count")}
    found = []
    for town in towns:
        for kind in KINDS:
            approved = -sums.get((town.pk, f"approved:{kind}"), 0)
            filled = sum(v for (o, c), v in sums.items() if o == town.pk and c.startswith("inst:") and c.endswith(f":filled:{kind}"))
            n = people.get((town.pk, kind), 0)
            p = paid.get((town.pk, kind))
            common = dict(town=town, month=month.replace(day=1), kind=kind, approved=approved, people=n,
                          ledger_filled=filled, paid=p)
            if approved > n:
                found.append(Mismatch(problem="vacant", **common))
            if n > approved:
                found.append(Mismatch(problem="over", **common))
            if p is not None and p > n:
                found.append(Mismatch(problem="paid_without_post", **common))
            if filled != n:
                found.append(Mismatch(problem="ledger_roll", **common))
    return found


def _roll_kinds(on_roll: QuerySet, end: datetime.date):
    """(town id, kind, people) of the people on the roll at ``end``, by the kind of the post they
    held then (the last entry or move dated on or before ``end``)."""
    last = {}
    rows = (StaffingMovement.objects.filter(person__in=on_roll, document_date__lte=end, post_to__isnull=False)
            .order_by("person_id", "document_date", "id").values_list("person_id", "person__town_id", "post_to__kind"))
    for person_id, town_id, kind in rows:
        last[person_id] = (town_id, kind)
    counts = defaultdict(int)
    for town_id, kind in last.values():
        counts[(town_id, kind)] += 1
    # People on the roll with no movement (kept before the platform): their current post's kind.
    for town_id, kind, n in (on_roll.exclude(pk__in=list(last)).filter(post__isnull=False).order_by()
                             .values("town_id", "post__kind").annotate(n=Count("id")).values_list("town_id", "post__kind", "n")):
        counts[(town_id, kind)] += n
    return [(t, k, n) for (t, k), n in counts.items()]

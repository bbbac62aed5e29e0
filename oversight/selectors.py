"""Reads of oversight. Lists depend on the user and are scoped by regions.scoping; the agenda is
gathered from each app's own selectors (oversight never reads another app's models)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from delegation import selectors_agenda as delegation_agenda
from finance import selectors as finance_selectors
from landuse import selectors_agenda as landuse_agenda
from personnel import selectors_cadres, selectors_staffing
from regions import scoping
from regions.models import Division

from . import rules
from .choices import AGENDA_SOURCES, AgendaKind, FindingState
from .models import ActionItem, AgendaLine, Finding, FindingReply, LeadingGroup, Meeting, SteeredTown

# --- scoped lists ------------------------------------------------------------------------------


def group_list(*, user) -> QuerySet:
    return scoping.scope(LeadingGroup.objects.select_related("division"), user)


def group_get(*, user, pk) -> LeadingGroup:
    return get_object_or_404(group_list(user=user), pk=pk)


def meeting_list(*, user) -> QuerySet:
    return scoping.scope(Meeting.objects.select_related("group__division"), user)


def meeting_get(*, user, pk) -> Meeting:
    return get_object_or_404(meeting_list(user=user), pk=pk)


def agenda_of(*, meeting: Meeting) -> QuerySet:
    return AgendaLine.objects.filter(meeting=meeting).order_by("position")


def finding_list(*, user) -> QuerySet:
    return scoping.scope(Finding.objects.select_related("town", "group"), user)


def finding_get(*, user, pk) -> Finding:
    return get_object_or_404(finding_list(user=user), pk=pk)


def reply_list(*, user) -> QuerySet:
    return scoping.scope(FindingReply.objects.select_related("finding__town"), user)


def active_groups() -> QuerySet:
    """Every active group that holds the monthly meeting (the leading groups themselves)."""
    from .choices import GroupKind

    return LeadingGroup.objects.filter(is_active=True, kind=GroupKind.LEADING).select_related("division")


def group_towns(group: LeadingGroup) -> list[Division]:
    """The pilot towns the group steers (active), in code order. One query."""
    return list(Division.objects.filter(pk__in=group.steered.filter(is_active=True).values("town_id")).order_by("code"))


# --- rectification deadlines -------------------------------------------------------------------

def finding_due_soon_q(today: datetime.date, within: int = rules.REMIND_DAYS_BEFORE) -> Q:
    return Q(state__in=FindingState.PENDING, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=within))


def finding_overdue_q(today: datetime.date) -> Q:
    return Q(state__in=FindingState.PENDING, due_on__lt=today)


def rectification_counts(*, town_ids: Iterable[int], today: datetime.date) -> dict[str, dict[int, int]]:
    """{line: {town id: count}} of findings still to be rectified, due within a week or overdue. One query."""
    rows = (Finding.objects.filter(town_id__in=list(town_ids)).order_by().values("town_id")
            .annotate(due=Count("id", filter=finding_due_soon_q(today)), overdue=Count("id", filter=finding_overdue_q(today))))
    due, overdue = {}, {}
    for r in rows:
        if r["due"]:
            due[r["town_id"]] = r["due"]
        if r["overdue"]:
            overdue[r["town_id"]] = r["overdue"]
    return {"rectification_due": due, "rectification_overdue": overdue}


def findings_to_remind(*, day: datetime.date) -> QuerySet:
    """Findings still to be rectified whose deadline is within a week, or passed (the daily reminders)."""
    return (Finding.objects.filter(finding_due_soon_q(day) | finding_overdue_q(day))
            .select_related("town", "group__division").order_by("due_on", "id"))


# --- the agenda --------------------------------------------------------------------------------

# Where each line links to: the URL name and the query of the list behind it (the query strings
# are the filters of those pages; {last_month} is the month over-establishment is judged on).
AGENDA_LINKS = {
    AgendaKind.FILING_OVERDUE: ("delegation:record-list", "filing_state=overdue"),
    AgendaKind.TAKEOVER_PENDING: ("delegation:assignment-list", "takeover_status=assigned"),
    AgendaKind.DEADLINE_PROVISIONAL: ("delegation:record-list", "due_provisional=yes"),
    AgendaKind.ENTITLEMENT_OVERDUE: ("finance:entitlement-list", "overdue=1"),
    AgendaKind.OVER_ESTABLISHMENT: ("personnel:cross-check", "month={last_month:%Y-%m}"),
    AgendaKind.OPINION_OVERDUE: ("personnel:opinion-list", "status=overdue"),
    AgendaKind.SECONDMENT_ENDING: ("personnel:secondment-list", ""),  # current ones, ending soon marked
    AgendaKind.FARMLAND_UNBALANCED: ("landuse:farmland", ""),
    AgendaKind.RESERVATION_EXPIRING: ("landuse:project-list", "status=under_review"),
    AgendaKind.QUOTA_EXHAUSTED: ("landuse:index", ""),
    AgendaKind.RECTIFICATION_DUE: ("oversight:finding-list", "due=soon"),
    AgendaKind.RECTIFICATION_OVERDUE: ("oversight:finding-list", "due=overdue"),
}


@dataclass
class AgendaItem:
    kind: str
    source: str
    count: int
    by_town: dict[int, int] = field(default_factory=dict)
    summary: str = ""
    url_name: str = ""
    url_query: str = ""


def _counter(rows, town_of) -> dict[int, int]:
    out: dict[int, int] = {}
    for row in rows:
        t = town_of(row)
        out[t] = out.get(t, 0) + 1
    return out


def _agenda_counts(*, towns: list[Division], today: datetime.date) -> dict[str, dict[int, int]]:
    """{kind: {town id: count}} for ``towns`` judged on ``today``: each app's selector groups by
    town, so the number of queries is fixed whatever the number of towns."""
    ids = [t.pk for t in towns]
    counts: dict[str, dict[int, int]] = {}
    counts.update(delegation_agenda.agenda_counts(town_ids=ids, today=today))
    counts[AgendaKind.ENTITLEMENT_OVERDUE] = _counter(
        finance_selectors.entitlement_overdue_list(today=today).filter(town_id__in=ids).select_related(None)
        .only("id", "town_id"), lambda e: e.town_id)
    over: dict[int, int] = {}
    for m in selectors_staffing.cross_check(towns=towns, month=_last_month(today)):
        if m.problem == "over":
            over[m.town.pk] = over.get(m.town.pk, 0) + 1
    counts[AgendaKind.OVER_ESTABLISHMENT] = over
    counts[AgendaKind.OPINION_OVERDUE] = _counter(
        selectors_cadres.adjustment_opinion_overdue_list(divisions=towns, on=today), lambda o: o.appointment.unit.town_id)
    counts[AgendaKind.SECONDMENT_ENDING] = _counter(
        selectors_cadres.secondment_ending_list(divisions=towns, on=today, within=31), lambda s: s.town_id)
    counts.update(landuse_agenda.agenda_counts(town_ids=ids, today=today))
    counts.update(rectification_counts(town_ids=ids, today=today))
    return counts


def _last_month(today: datetime.date) -> datetime.date:
    """Over-establishment is judged at the end of the month before the meeting."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _agenda_items(*, counts: dict[str, dict[int, int]], towns: list[Division], today: datetime.date
                  ) -> list[AgendaItem]:
    """The agenda lines of ``towns`` out of ``counts`` (which may hold other towns too): one item
    per kind that has something to decide, in the order of ``AGENDA_SOURCES``. No query."""
    names = {t.pk: t.name for t in towns}
    last_month = _last_month(today)
    items = []
    for kind in AGENDA_SOURCES:
        by_town = {t: n for t, n in counts.get(str(kind), {}).items() if n and t in names}
        total = sum(by_town.values())
        if not total:
            continue
        towns_text = gettext("、").join(f"{names[t]}{n}" for t, n in sorted(by_town.items(), key=lambda kv: names[kv[0]]))
        url_name, url_query = AGENDA_LINKS[kind]
        url_query = url_query.format(last_month=last_month)
        items.append(AgendaItem(
            kind=str(kind), source=str(AGENDA_SOURCES[kind]), count=total, by_town={str(t): n for t, n in by_town.items()},
            summary=gettext("%(what)s：共%(count)s项（%(towns)s）") % {"what": kind.label, "count": total,
                                                                   "towns": towns_text},
            url_name=url_name, url_query=url_query))
    return items


def agenda_gather(*, towns: list[Division], today: datetime.date) -> list[AgendaItem]:
    """The agenda of a meeting held for ``towns`` on ``today``'s month: one item per kind that
    has something to decide, in the order of ``AGENDA_SOURCES``. A fixed number of queries
    whatever the number of towns (each app's selector groups by town)."""
    return _agenda_items(counts=_agenda_counts(towns=towns, today=today), towns=towns, today=today)


def agendas_gather(*, groups: list[LeadingGroup], today: datetime.date) -> dict[int, list[AgendaItem]]:
    """The agendas of many groups at once (the monthly job over a province): {group id: items}.
    The towns of every group in one query, every app's counts once over all of them, then split
    per group: a fixed number of queries whatever the number of groups and towns."""
    towns_of: dict[int, list[Division]] = {g.pk: [] for g in groups}
    every: dict[int, Division] = {}
    rows = (SteeredTown.objects.filter(group__in=[g.pk for g in groups], is_active=True)
            .select_related("town").order_by("town__code"))
    for link in rows:
        every.setdefault(link.town_id, link.town)
        towns_of[link.group_id].append(every[link.town_id])
    counts = _agenda_counts(towns=list(every.values()), today=today)
    return {gid: _agenda_items(counts=counts, towns=towns, today=today) for gid, towns in towns_of.items()}


def agenda_as_of(*, meeting: Meeting, as_of: datetime.date) -> list[AgendaItem]:
    """What would be on ``meeting``'s agenda if it were compiled on ``as_of`` (nothing stored):
    the records as they stand now, judged on that day (a record filed since is no longer overdue;
    a deadline passed by that day is). The stored lines stay what was compiled (agenda_of)."""
    return agenda_gather(towns=group_towns(meeting.group), today=as_of)


# --- action items (督办任务) ---------------------------------------------------------------------

def action_item_list(*, user) -> QuerySet:
    return scoping.scope(ActionItem.objects.select_related("meeting__group__division", "owner"), user)


def action_item_get(*, user, pk) -> ActionItem:
    return get_object_or_404(action_item_list(user=user), pk=pk)


def action_items_overdue(*, group: LeadingGroup, today: datetime.date, exclude_meeting: Meeting | None = None
                         ) -> list[ActionItem]:
    """The group's action items not done and past their deadline on ``today`` (of every meeting
    but ``exclude_meeting``): what the next meeting takes up again. One query."""
    qs = (ActionItem.objects.filter(meeting__group=group, done_on__isnull=True, due_on__lt=today)
          .select_related("meeting", "owner").order_by("due_on", "id"))
    if exclude_meeting is not None:
        qs = qs.exclude(meeting=exclude_meeting)
    return list(qs)


# --- the pages ---------------------------------------------------------------------------------

def meetings_of_month(*, user, month: datetime.date) -> list[Meeting]:
    """The monthly meetings of ``month`` the user may see (their groups'), with their agenda. Two queries."""
    from django.db.models import Prefetch

    from .choices import MeetingKind

    return list(meeting_list(user=user).filter(kind=MeetingKind.MONTHLY, month=month.replace(day=1))
                .prefetch_related(Prefetch("agenda", queryset=AgendaLine.objects.order_by("position"))))


def agenda_line_count(*, user, month: datetime.date) -> int:
    """Lines with something to decide on this month's agendas in scope (the home card). One query."""
    return scoping.scope(AgendaLine.objects.filter(meeting__month=month.replace(day=1), count__gt=0), user).count()


def findings_by_town(*, user, today: datetime.date) -> list[dict]:
    """Per town in scope: findings not closed out, of which overdue and waiting for review. One query."""
    return list(finding_list(user=user).exclude(state=FindingState.CLOSED).select_related(None).order_by()
                .values("town_id", "town__name", "town__code")
                .annotate(open=Count("id"), overdue=Count("id", filter=finding_overdue_q(today)),
                          replied=Count("id", filter=Q(state=FindingState.REPLIED)))
                .order_by("town__code"))


def finding_replies(*, finding: Finding) -> list[FindingReply]:
    """The town's replies to a finding, oldest first, with their evidence. Two queries."""
    return list(FindingReply.objects.filter(finding=finding).prefetch_related("evidence").order_by("submitted_on", "id"))


def role_order(prefix: str = ""):
    """组长, 副组长, 办公室主任, 成员, 联络员: the order of a group's roles (not their codes' alphabet)."""
    from django.db.models import Case, IntegerField, Value, When

    from .choices import MemberRole

    order = (MemberRole.LEADER, MemberRole.DEPUTY, MemberRole.DIRECTOR, MemberRole.MEMBER, MemberRole.LIAISON)
    return Case(*(When(**{f"{prefix}role": r}, then=Value(i)) for i, r in enumerate(order)), default=Value(9),
                output_field=IntegerField())


def group_members(*, group: LeadingGroup):
    return group.members.select_related("department").order_by("-is_active", role_order(), "id")


def group_steered(*, group: LeadingGroup):
    return group.steered.select_related("town").order_by("-is_active", "town__code")


def meeting_parts(*, meeting: Meeting) -> dict:
    """What a meeting's page shows: agenda, attendance, decisions, action items (four queries)."""
    return {
        "agenda": list(agenda_of(meeting=meeting)),
        "attendance": list(meeting.attendance.select_related("member").order_by(role_order("member__"), "member_id")),
        "decisions": list(meeting.decisions.order_by("position")),
        "actions": list(meeting.actions.select_related("owner", "decision").order_by("due_on", "id")),
    }

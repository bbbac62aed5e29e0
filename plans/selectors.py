"""Reads of plans: the plans and templates in the user's scope, and the facts of a town's plan
gathered from the other apps through their selectors (DOMAIN.md §10).

``plan_facts`` returns, per section, the named fields its wording fills in, or ``None`` when the
system holds no data for the section (the wording then says what is missing). Figures are
formatted here, as the plan prints them: money with two decimals and thousands separators (元),
land in 亩 with two decimals.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import DeadlineRule
from delegation import selectors as delegation
from delegation.choices import ItemStatus, Mode, TakeOverStatus
from finance import selectors as finance
from finance import selectors_funds as funds
from finance.choices import Earmark, FundKind, Indicator, RuleKind
from landuse import selectors as landuse
from oversight import selectors as oversight
from oversight.choices import FindingOccasion, GroupKind, MemberRole
from personnel import selectors as personnel_selectors
from personnel import selectors_staffing as staffing
from personnel.choices_staffing import EstablishmentKind, QuotaKind, Rank
from regions import scoping
from regions.choices import Level, PilotKind
from regions.models import Division, PilotDesignation

from .choices import Section
from .models import Plan, PlanVersion, WordingTemplate


# --- plans and templates, scoped ------------------------------------------------------------------
def plan_list(*, user) -> QuerySet:
    return scoping.scope(Plan.objects.select_related("division__parent"), user)


def plan_get(*, user, pk) -> Plan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def plan_versions(*, plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by").order_by("-number"))


def latest_version(*, plan: Plan) -> PlanVersion | None:
    return plan.versions.select_related("created_by").order_by("-number").first()


def plan_towns(*, user) -> QuerySet:
    """Where the user may draft a plan: the pilot towns (and pilot counties) within the divisions
    where they write plans (the office's county), in path order."""
    pilots = PilotDesignation.objects.filter(revoked_on__isnull=True).values("division_id")
    qs = Division.objects.filter(level__in=(Level.TOWN, Level.COUNTY), pk__in=pilots)
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for grant in scoping.grants(user):
        if grant.role in Plan.jurisdiction_writers:
            q |= Q(path__startswith=grant.path)
    return qs.filter(q).order_by("path")


def template_division(*, user) -> Division | None:
    """The division whose wording the user edits: that of their (first) office membership."""
    for grant in scoping.grants(user):
        if grant.role in WordingTemplate.jurisdiction_writers:
            return Division.objects.get(pk=grant.division_id)
    return None


def effective_templates(*, division: Division | None) -> dict[str, WordingTemplate]:
    """section → the wording in force for ``division``: its own or the nearest division's above it
    that edited the section, else the default. One query."""
    codes = [c for c in division.path.strip("/").split("/") if c] if division is not None else []
    rows = WordingTemplate.objects.filter(division__isnull=True) | WordingTemplate.objects.filter(
        division__code__in=codes)
    depth = {code: n for n, code in enumerate(codes)}
    chosen: dict[str, tuple[int, WordingTemplate]] = {}
    for row in rows.select_related("division", "updated_by"):
        rank = -1 if row.division_id is None else depth.get(row.division.code, -1)
        if row.section not in chosen or rank > chosen[row.section][0]:
            chosen[row.section] = (rank, row)
    return {section: row for section, (_rank, row) in chosen.items()}


# --- formatting --------------------------------------------------------------------------------
def money(amount: Decimal) -> str:
    return f"{amount:,.2f}元"


def money_wan(amount: Decimal) -> str:
    wan = (amount / Decimal(10000)).quantize(Decimal("0.01"))
    text = f"{wan:,.2f}".rstrip("0").rstrip(".")
    return f"{text}万元"


def mu(amount: Decimal) -> str:
    return f"{amount:,.2f}亩"


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def day(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def bracketed(number: str) -> str:
    return f"（{number}）" if number else ""


def joined(parts) -> str:
    return _("、").join(p for p in parts if p)


def bullets(lines) -> str:
    return "\n".join(f"- {line}" for line in lines)


# --- the facts of a plan, section by section ----------------------------------------------------
def _scope_facts(town: Division) -> dict | None:
    kind = PilotKind.TOWN if town.level == Level.TOWN else PilotKind.COUNTY
    pilot = (PilotDesignation.objects.filter(division=town, kind=kind, revoked_on__isnull=True)
             .order_by("-designated_on").first())
    if pilot is None:
        return None
    return {"batch": pilot.batch, "designated_by": pilot.designated_by, "designated_on": day(pilot.designated_on),
            "document": bracketed(pilot.document_number)}


def _targets_facts(town: Division, user) -> dict | None:
    rows = list(finance.growth_target_list(user=user).filter(town=town).order_by("year", "indicator"))
    if not rows:
        return None
    latest = {}
    for row in rows:
        latest[row.indicator] = row  # the latest year's target of each indicator
    years = sorted({r.year for r in rows})
    facts = {key: percent(latest[key].target_percent) if key in latest else _("（未设定）") for key in Indicator.values}
    sentence = _("，").join(_("%(indicator)s年均增长%(percent)s以上") % {
        "indicator": Indicator(key).label, "percent": percent(latest[key].target_percent)}
        for key in Indicator.values if key in latest)
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}年至{years[-1]}年"
    return {**facts, "targets": sentence, "target_years": span}


def _rule_text(rule_str: str) -> str:
    try:
        return str(DeadlineRule.parse(rule_str))
    except ValueError:
        return rule_str


def _powers_facts(town: Division, user) -> dict | None:
    assignments = list(delegation.assignment_list(user=user).filter(
        division=town, item__status=ItemStatus.IN_FORCE).exclude(takeover_status=TakeOverStatus.REVOKED))
    if not assignments:
        return None
    modes = Counter(a.mode for a in assignments)
    departments = Counter(a.item.department.name for a in assignments)
    filing = Counter()
    for a in assignments:
        body = a.item.filing_body or a.item.route_after_filing or a.item.department.name
        filing[(body, _rule_text(a.item.filing_deadline))] += 1
    filing_rules = bullets(
        _("%(count)s项事项办结后%(deadline)s内报%(body)s备案") % {"count": n, "deadline": rule, "body": body}
        for (body, rule), n in sorted(filing.items(), key=lambda kv: (-kv[1], kv[0])))
    return {
        "items_total": len(assignments),
        "modes": joined(_("%(mode)s%(count)s项") % {"mode": Mode(m).label, "count": modes[m]}
                        for m in Mode.values if modes[m]),
        "devolve": modes[Mode.DEVOLVE], "authorise": modes[Mode.AUTHORISE], "entrust": modes[Mode.ENTRUST],
        "front_desk": modes[Mode.FRONT_DESK],
        "departments": joined(_("%(dept)s%(count)s项") % {"dept": d, "count": n} for d, n in departments.most_common()),
        "filing_rules": filing_rules,
    }


def _return_text(rule) -> str:
    if rule.kind == RuleKind.PER_MU:
        text = _("%(name)s：按每亩%(amount)s补助") % {"name": rule.name, "amount": money(rule.per_mu_amount)}
    elif rule.tiers:
        bands = []
        for band in finance.tier_rows(rule.tiers):
            if band["up_to"] is None:
                bands.append(_("超过%(low)s的部分返还%(share)s") % {"low": money(band["from"]),
                                                              "share": percent(band["share_percent"])})
            else:
                bands.append(_("%(up)s以内返还%(share)s") % {"up": money(band["up_to"]),
                                                          "share": percent(band["share_percent"])})
        text = _("%(name)s：分档返还，%(bands)s") % {"name": rule.name, "bands": _("，").join(bands)}
    else:
        text = _("%(name)s：返还%(share)s") % {"name": rule.name, "share": percent(rule.share_percent)}
    if rule.earmark:
        text += _("，专项用于%(use)s") % {"use": Earmark(rule.earmark).label}
    return text


def _arrangement(town: Division, today: datetime.date):
    return finance.arrangement_in_force(town=town, month=today.replace(day=1)) or (
        finance.town_finance(town=town, year=today.year, today=today)["arrangements"] or [None])[0]


def _finance_facts(town: Division, arrangement) -> dict | None:
    if arrangement is None:
        return None
    rules = list(arrangement.rules.order_by("position", "id"))
    return {
        "arrangement": arrangement.name, "arrangement_document": bracketed(arrangement.document_number),
        "base_year": arrangement.base_year, "base_amount": money(arrangement.base_amount),
        "base_amount_wan": money_wan(arrangement.base_amount),
        "term_start": arrangement.term_start.year, "term_end": arrangement.term_end.year,
        "term_years": arrangement.term_end.year - arrangement.term_start.year + 1,
        "returns": bullets(_return_text(r) for r in rules) or _("（未设定返还规则）"),
        "settlement": arrangement.get_settlement_method_display(),
    }


def _investment_facts(town: Division) -> dict | None:
    held = funds.town_funds(town=town)
    if not held.funds:
        return None
    startup = next((f for f in held.funds if f.kind == FundKind.STARTUP), None)
    lines = [_("%(year)s年%(name)s（%(kind)s）拨入%(amount)s") % {
        "year": f.year, "name": f.name, "kind": f.get_kind_display(), "amount": money(f.granted)} for f in held.funds]
    return {
        "startup_fund": money(startup.granted) if startup else _("（未安排）"),
        "startup_year": startup.year if startup else "",
        "funds_total": money(held.granted), "funds": bullets(lines),
    }


def _zone_facts(town: Division, arrangement, user) -> dict | None:
    rules = [r for r in arrangement.rules.order_by("position", "id")] if arrangement is not None else []
    zone = [_return_text(r) for r in rules if r.earmark == Earmark.INDUSTRIAL_ZONE]
    projects = landuse.project_list(user=user).filter(town=town).count()
    if not zone and not projects:
        return None
    return {"zone_rules": _("；").join(zone) or _("（财政体制未指定用于工业集中区的返还）"), "projects": projects}


def _personnel_facts(town: Division) -> dict | None:
    table = staffing.staffing_table(town=town)
    totals = {row.kind: row for row in table.totals}
    leaders = {row.kind: row for row in table.leaders}
    rank_ups = personnel_selectors.rank_ups_for(town=town)
    if not any(row.approved for row in table.totals) and not rank_ups:
        return None
    counted = Counter(rank_ups)
    return {
        "admin_approved": totals[EstablishmentKind.ADMIN].approved, "admin_filled": totals[EstablishmentKind.ADMIN].filled,
        "public_approved": totals[EstablishmentKind.PUBLIC].approved,
        "public_filled": totals[EstablishmentKind.PUBLIC].filled,
        "leaders_zk": leaders[QuotaKind.LEADER_ZK].approved, "leaders_fk": leaders[QuotaKind.LEADER_FK].approved,
        "rank_ups": len(rank_ups),
        "rank_up_list": joined(_("按%(rank)s高配%(n)s人") % {"rank": Rank(r).label, "n": n}
                               for r, n in counted.items() if r) or _("尚无高配人员"),
    }


def _land_facts(town: Division) -> dict | None:
    rows = landuse.division_quota(division=town)
    if not rows:
        return None
    row = rows[0]  # the newest year
    f = row.figures
    return {"quota_year": row.year, "quota_received": mu(f.received), "quota_gained": mu(f.gained),
            "quota_used": mu(f.used), "quota_available": mu(f.available)}


def _group_of(town: Division):
    for group in oversight.active_groups().filter(steered__town=town, steered__is_active=True).distinct():
        return group
    return None


def _member_text(member) -> str:
    return f"{member.name}（{member.post}）"


def _organisation_facts(group) -> dict | None:
    if group is None:
        return None
    members = list(oversight.group_members(group=group).filter(is_active=True))
    leader = next((m for m in members if m.role == MemberRole.LEADER), None)
    office = group.bodies.filter(kind=GroupKind.OFFICE, is_active=True).select_related("host_department").first()
    director = next((m for m in members if m.role == MemberRole.DIRECTOR), None)
    return {
        "group": group.name, "group_document": bracketed(group.document_number),
        "leader": _member_text(leader) if leader else _("（未登记）"),
        "deputies": joined(_member_text(m) for m in members if m.role == MemberRole.DEPUTY) or _("（未登记）"),
        "members_count": len({m.name for m in members}),
        "office": office.name if office else _("领导小组办公室"),
        "office_host": office.host_department.name if office and office.host_department_id else _("（未登记）"),
        "office_director": _member_text(director) if director else _("（未登记）"),
    }


def _supervision_facts(group, town: Division, user) -> dict | None:
    if group is None:
        return None
    held = list(oversight.meeting_list(user=user).filter(group=group, held_on__isnull=False)
                .order_by("-held_on").values_list("held_on", flat=True))
    findings = oversight.finding_list(user=user).filter(town=town)
    total = findings.count()
    closed = findings.filter(closed_on__isnull=False).count()
    return {"group": group.name, "meetings_held": len(held), "last_meeting": day(held[0]) if held else _("（尚未召开）"),
            "findings_total": total, "findings_closed": closed, "findings_open": total - closed,
            "supervisions": findings.filter(occasion=FindingOccasion.SUPERVISION).count()}


def plan_facts(*, town: Division, user, today: datetime.date | None = None) -> dict[str, dict | None]:
    """section → its named fields from the system, or None when it holds no data for it. The
    town is already read through the caller's scope; lists are read through ``user``'s."""
    today = today or timezone.localdate()
    arrangement = _arrangement(town, today)
    group = _group_of(town)
    return {
        Section.GUIDING: {},
        Section.SCOPE: _scope_facts(town),
        Section.TARGETS: _targets_facts(town, user),
        Section.PRINCIPLES: {},
        Section.POWERS: _powers_facts(town, user),
        Section.PLANNING: {},
        Section.FINANCE: _finance_facts(town, arrangement),
        Section.INVESTMENT: _investment_facts(town),
        Section.INDUSTRIAL_ZONE: _zone_facts(town, arrangement, user),
        Section.PERSONNEL: _personnel_facts(town),
        Section.LAND: _land_facts(town),
        Section.HOUSEHOLD: {},
        Section.ORGANISATION: _organisation_facts(group),
        Section.SUPERVISION: _supervision_facts(group, town, user),
    }


def common_facts(*, town: Division, title: str, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    county = town.parent if town.level == Level.TOWN else town
    return {"town": town.name, "county": county.name if county else "", "title": title, "year": today.year,
            "subject": _("试点镇") if town.level == Level.TOWN else _("试点县")}


def plan_signature(*, division: Division) -> str:
    """Who signs the plan: the office of the leading group steering the town, else the county."""
    group = _group_of(division)
    office = group.bodies.filter(kind=GroupKind.OFFICE, is_active=True).first() if group is not None else None
    if office is not None:
        return office.name
    county = division.parent if division.level == Level.TOWN else division
    return _("%(county)s人民政府") % {"county": county.name if county else division.name}

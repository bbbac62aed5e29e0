"""Rules of the establishment and of people in it, with no database access: the citizen ID
number (GB 11643-1999), who may see personal data and how it is masked, and the rank-up (高配)
rules as data (DOMAIN.md §4; the 实施方案 of 临溪镇, 六: 党政主要负责人按副县级高配，重要内设机构
主要负责人符合“干部任用条例”规定的任职资格和条件、表现优秀的按副科级高配).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from regions.choices import Role

from .choices_staffing import EDUCATION_ORDER, RANK_ORDER, Education, PersonStatus, PostRole, Rank
from .models import id_birth_date, id_check_digit, id_number_problem  # noqa: F401  (the rules of one place)

LEDGER = "establishment"

# --- personal data ---------------------------------------------------------------------------
#: the roles that need personal data (ID number, phone, birth date) for their work: the town's
#: clerks who keep the roll and the county office that approves entries. Auditors and superior
#: departments see it masked, in pages, API and exports. Decided per person, by the user's roles
#: in the person's town (selectors_staffing.sees_personal_data), not by any role of the user.
PII_ROLES = frozenset({Role.OFFICE, Role.CLERK})
PII_FIELDS = ("id_number", "phone", "birth_date")


class PersonalData:
    """The personal data of the people of ``town`` as a scoped object (regions.scoping): read in
    full by a membership whose jurisdiction takes the town in and whose role is in PII_ROLES."""

    jurisdiction_field = "town"
    jurisdiction_writers = tuple(PII_ROLES)
    __slots__ = ("town",)

    def __init__(self, town):
        self.town = town


class CountyDecision:
    """A decision of the county office on a town's establishment (approving or rejecting its plan)
    as a scoped object: allowed to an office membership whose jurisdiction takes the town in —
    office of one county and auditor of another decides only in the first."""

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)
    __slots__ = ("town",)

    def __init__(self, town):
        self.town = town


def mask_id_number(number: str) -> str:
    """The first 6 characters (the region) and the last 2 kept, the birth date and sequence hidden."""
    return f"{number[:6]}{'*' * 10}{number[-2:]}" if len(number) == 18 else "*" * len(number)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else ("*" * len(phone))


def mask_birth_date(day: datetime.date | None) -> str:
    return f"{day:%Y}年**月**日" if day else ""


# --- rank-up (高配) as data --------------------------------------------------------------------


@dataclass(frozen=True)
class RankUpRule:
    """One way a person may be ranked above their post: which posts, up to which rank, and the
    conditions (pilot town, key institution, years in establishment, education, current rank)."""

    code: str
    label: str
    roles: tuple[str, ...]
    target: str
    pilot_town_only: bool = False
    key_institution_only: bool = False
    min_rank: str = Rank.CLERK
    min_years_in_establishment: int = 0
    min_years_at_rank: int = 0
    min_education: str = Education.SECONDARY


RANK_UP_RULES: tuple[RankUpRule, ...] = (
    RankUpRule("leader_deputy_county", _("试点镇党政主要负责人按副县级高配"),
               roles=(PostRole.PARTY_SECRETARY, PostRole.MAYOR), target=Rank.DEPUTY_COUNTY,
               pilot_town_only=True, min_rank=Rank.SECTION),
    # 党政领导干部选拔任用工作条例 第九条: 提任副科级须有三年以上工作经历、下一级职务两年以上，大学专科以上学历.
    RankUpRule("key_head_deputy_section", _("重要内设机构主要负责人符合条件的按副科级高配"),
               roles=(PostRole.HEAD,), target=Rank.DEPUTY_SECTION, key_institution_only=True,
               min_rank=Rank.CLERK, min_years_in_establishment=3, min_years_at_rank=2,
               min_education=Education.COLLEGE),
)


def _years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def rank_up_check(*, person, post, institution, town_is_pilot: bool, target: str,
                  on: datetime.date) -> tuple[RankUpRule | None, list[str]]:
    """The rule that allows ranking ``person`` at ``target`` on ``on`` and, when none does, why not
    (one reason per rule that could have applied, else a reason saying no rule covers the post)."""
    if person.status != PersonStatus.IN or post is None:
        return None, [gettext("只有在编人员才能高配。")]
    if RANK_ORDER.get(target, -1) <= RANK_ORDER.get(person.rank, -1):
        return None, [gettext("高配职级须高于现任职级（现为%(rank)s）。") % {"rank": Rank(person.rank).label}]
    candidates = [r for r in RANK_UP_RULES if r.target == target and post.role in r.roles]
    if not candidates:
        return None, [gettext("没有允许“%(role)s”岗位高配为%(target)s的规定。") % {
            "role": PostRole(post.role).label, "target": Rank(target).label}]
    reasons: list[str] = []
    for rule in candidates:
        missing = []
        if rule.pilot_town_only and not town_is_pilot:
            missing.append(gettext("所在镇不是扩权强镇试点镇"))
        if rule.key_institution_only and not institution.is_key:
            missing.append(gettext("“%(name)s”不是重要内设机构") % {"name": institution.name})
        if RANK_ORDER[person.rank] < RANK_ORDER[rule.min_rank]:
            missing.append(gettext("现任职级低于%(rank)s") % {"rank": Rank(rule.min_rank).label})
        years_in = _years_between(person.entry_date, on)
        if years_in < rule.min_years_in_establishment:
            missing.append(gettext("在编工作年限%(have)s年，不满%(need)s年") % {
                "have": years_in, "need": rule.min_years_in_establishment})
        years_rank = _years_between(person.rank_since, on)
        if years_rank < rule.min_years_at_rank:
            missing.append(gettext("任现职级%(have)s年，不满%(need)s年") % {
                "have": years_rank, "need": rule.min_years_at_rank})
        if EDUCATION_ORDER[person.education] < EDUCATION_ORDER[rule.min_education]:
            missing.append(gettext("学历低于%(education)s") % {"education": Education(rule.min_education).label})
        if not missing:
            return rule, []
        reasons.append(gettext("不符合“%(rule)s”：%(missing)s。") % {"rule": rule.label, "missing": gettext("；").join(missing)})
    return None, reasons


def rule_label(code: str) -> str:
    return next((str(r.label) for r in RANK_UP_RULES if r.code == code), code)


def mask_value(field: str, value) -> str:
    """A personal-data value (a date, or the ISO text the history keeps) as a masked text."""
    if value in (None, ""):
        return ""
    if field == "id_number":
        return mask_id_number(str(value))
    if field == "phone":
        return mask_phone(str(value))
    if field == "birth_date":
        return f"{str(value)[:4]}-**-**"
    return str(value)


def mask_history(rows: list[dict]) -> list[dict]:
    """History rows (core.history's history_for / history_table) with the personal data masked:
    the diff, the snapshot and the described values alike."""
    for row in rows:
        for name in PII_FIELDS:
            if name in (row.get("changes") or {}):
                change = row["changes"][name]
                row["changes"][name] = {"before": mask_value(name, change["before"]),
                                        "after": mask_value(name, change["after"])}
            if name in (row.get("data") or {}):
                row["data"] = {**row["data"], name: mask_value(name, row["data"][name])}
        for item in row.get("display", ()):
            if item["field"] in PII_FIELDS:
                item["before"] = mask_value(item["field"], item["before"]) if item["before"] != "—" else "—"
                item["after"] = mask_value(item["field"], item["after"]) if item["after"] != "—" else "—"
    return rows

"""Search across the apps (issue 15 §3): one query, every kind of row the user may see.

The registry ``KINDS`` declares each searchable kind once — where its rows come from (the owning
app's scoped selector, so a search never reads wider than that app's own list page), which
columns are searched, what a hit shows, the page it links to, and who may search it at all.
The page (views.py) and the API (api/views.py) both call ``search``; neither knows a model.

How it matches: ``column ILIKE '%q%'`` on each declared column, OR-ed. The search app's
migration puts a pg_trgm GIN index (gin_trgm_ops) on every one of them, which serves ILIKE for
patterns of three characters or more. pg_trgm cannot help a one- or two-character query (a
surname, 临溪): on the small tables it is the same ILIKE, read whole; on the exercise records
(1M rows) the applicant also has an index of its characters and pairs (migrations/0002,
``GramsContain``), and such a query leaves decision numbers out (bench/search.py measures both). Django's
``icontains`` would compile to ``UPPER(col) LIKE UPPER(…)``, which a plain trigram index on the
column does not serve, hence the ``ILike`` lookup below.

Each kind costs one query: its first ``COUNT_CAP + 1`` hits in the kind's order, so the count
shown is exact up to the cap ("100+" beyond it) and no query counts a million rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Lookup, Q, QuerySet, Value
from django.db.models.fields import CharField as _CharField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delegation import selectors as delegation
from landuse import selectors as landuse
from landuse.choices import ProjectStatus
from oversight import selectors as oversight
from oversight.choices import FindingState
from personnel import selectors_cadres as cadres
from personnel import selectors_staffing as staffing
from regions import scoping
from regions.choices import Level

from .rules import TRIGRAM_LENGTH, like_pattern

COUNT_CAP = 100  # hits counted per kind; beyond it the count reads "100+"
DEFAULT_LIMIT = 10  # hits shown per kind on the overview
MAX_LIMIT = COUNT_CAP


class ILike(Lookup):
    """``lhs ILIKE rhs``: the operator pg_trgm's GIN index serves (``gin_trgm_ops``)."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


class GramsContain(Lookup):
    """``search_grams(lhs) @> search_grams(rhs)``: the characters and pairs of ``rhs`` are all in
    ``lhs`` (migrations/0002's index); necessary for ``lhs ILIKE '%rhs%'``, not sufficient."""

    lookup_name = "grams_contain"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"search_grams({lhs}) @> search_grams({rhs})", [*lhs_params, *rhs_params]


@dataclass(frozen=True)
class Kind:
    """One searchable kind of row."""

    key: str  # "record": the API's ``kind`` and the page's ?kind=
    label: str  # 办件记录
    rows: Callable[..., QuerySet]  # (*, user) → the rows ``user`` may see (the owning app's selector)
    fields: tuple[str, ...]  # the columns searched (each has a trigram index: migrations/0001)
    shows: dict[str, object]  # what a hit reads: name → column or expression (one query, no instances)
    title: Callable[[dict], str]
    subtitle: Callable[[dict], str]
    url_name: str  # the row's own page, reversed with pk=id
    ordering: tuple[str, ...] = ("-id",)  # of the hits shown, among columns in ``shows``
    #: the roles that may search this kind at all; None: every role (the scope decides the rows)
    roles: frozenset[str] | None = None
    #: the fields a one- or two-character query searches (default: ``fields``): 审 or 〔2 would match
    #: every decision number, and a name is what such a query is
    short_fields: tuple[str, ...] | None = None
    #: fields with a ``search_grams`` index (migrations/0002): a short query reads it before its ILIKE
    gram_fields: tuple[str, ...] = ()
    #: more matches a user may have (personal data: an exact ID number within the PII scope)
    extra_match: Callable[..., Q | None] | None = field(default=None, compare=False)

    def visible_to(self, user) -> bool:
        if self.roles is None or (user.is_superuser and user.is_active):
            return True
        return bool(scoping.roles(user) & self.roles)

    def url(self, pk: int) -> str:
        return reverse(self.url_name, kwargs={"pk": pk})


def _join(*parts) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _label(choices):
    def label(value):
        try:
            return choices(value).label
        except ValueError:
            return value

    return label


_level, _project_status, _finding_state = _label(Level), _label(ProjectStatus), _label(FindingState)


def _person_by_id_number(*, user, text: str) -> Q | None:
    """An exact 18-character ID number finds its person, only for whom personnel shows it in full:
    a membership with a personal-data role (PII_ROLES: the town's clerk, the office) over the
    person's town (personnel.selectors_staffing.sees_personal_data's rule, as a query). Never a
    fragment: a search box is not a way to fish for numbers."""
    if len(text) != 18:
        return None
    full = scoping.scope(staffing.Person.objects.all(), user, scoping.CHANGE)  # writers = PII_ROLES
    return Q(id_number=text.upper()) & Q(pk__in=full.values("pk"))


KINDS: tuple[Kind, ...] = (
    Kind(
        key="town", label=_("区划"), rows=lambda *, user: scoping.divisions_visible(user),
        fields=("name",), shows={"id": "id", "name": "name", "level": "level", "path": "path", "parent_name": F("parent__name")},
        title=lambda r: r["name"], subtitle=lambda r: _join(_level(r["level"]), r["parent_name"]),
        url_name="regions:division-detail", ordering=("path",),
    ),
    Kind(
        key="item", label=_("下放事项"), rows=delegation.item_list,
        fields=("name", "code"),
        shows={"id": "id", "code": "code", "name": "name", "department_name": F("department__name"),
               "division_name": F("department__division__name")},
        title=lambda r: _join(r["code"], r["name"]), subtitle=lambda r: f"{r['division_name']}{r['department_name']}",
        url_name="delegation:item-detail", ordering=("code",),
    ),
    Kind(
        key="record", label=_("办件记录"), rows=delegation.exercise_record_list,
        fields=("decision_number", "applicant"), short_fields=("applicant",), gram_fields=("applicant",),
        shows={"id": "id", "decision_number": "decision_number", "applicant": "applicant",
               "decided_on": "decided_on", "town_name": F("division__name"), "item_name": F("item__name")},
        title=lambda r: _join(r["decision_number"], r["applicant"]),
        subtitle=lambda r: _join(r["town_name"], r["item_name"], r["decided_on"]),
        url_name="delegation:record-detail",
    ),
    Kind(
        key="agreement", label=_("协议书"), rows=delegation.agreement_list,
        fields=("number", "department_signatory", "receiver_signatory"),
        shows={"id": "id", "number": "number", "signed_on": "signed_on", "town_name": F("division__name"),
               "department_name": F("department__name"), "department_division": F("department__division__name")},
        title=lambda r: r["number"],
        subtitle=lambda r: _join(r["town_name"], f"{r['department_division']}{r['department_name']}", r["signed_on"]),
        url_name="delegation:agreement-detail",
    ),
    Kind(
        key="project", label=_("用地项目"), rows=landuse.project_list,
        fields=("name", "approval_document"),
        shows={"id": "id", "name": "name", "year": "year", "status": "status", "town_name": F("town__name")},
        title=lambda r: r["name"], subtitle=lambda r: _join(r["town_name"], r["year"], _project_status(r["status"])),
        url_name="landuse:project-detail",
    ),
    Kind(
        key="person", label=_("在编人员"), rows=staffing.person_list,
        fields=("name",),
        shows={"id": "id", "name": "name", "town_name": F("town__name"), "institution_name": F("post__institution__name"),
               "post_title": F("post__title")},
        title=lambda r: r["name"], subtitle=lambda r: _join(r["town_name"], r["institution_name"], r["post_title"]),
        url_name="personnel:person-detail", ordering=("id",),
        # Every role reads the people of its jurisdiction (personnel's pages and API, personal data
        # masked for the auditor and the superior): the scope, not the role, narrows them.
        roles=None, extra_match=_person_by_id_number,
    ),
    Kind(
        key="secondment", label=_("挂职干部"), rows=cadres.secondment_list,
        fields=("person_name",),
        shows={"id": "id", "person_name": "person_name", "post": "post", "home_unit": "home_unit",
               "town_name": F("town__name")},
        title=lambda r: r["person_name"], subtitle=lambda r: _join(r["town_name"], r["post"], r["home_unit"]),
        url_name="personnel:secondment-detail",
    ),
    Kind(
        key="finding", label=_("督查问题"), rows=oversight.finding_list,
        fields=("description", "rule_breached"),
        shows={"id": "id", "description": "description", "state": "state", "found_on": "found_on",
               "town_name": F("town__name")},
        title=lambda r: r["description"] if len(r["description"]) <= 60 else r["description"][:60] + "…",
        subtitle=lambda r: _join(r["town_name"], _finding_state(r["state"]), r["found_on"]),
        url_name="oversight:finding-detail",
    ),
)
BY_KEY = {k.key: k for k in KINDS}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class Group:
    kind: Kind
    count: int  # exact up to COUNT_CAP
    capped: bool  # more than COUNT_CAP hits
    hits: list[Hit]


def matches(kind: Kind, *, user, text: str) -> QuerySet:
    """The rows of ``kind`` the user may see that match ``text`` (a cleaned query: rules.clean_query)."""
    pattern = Value(like_pattern(text), output_field=_CharField())
    short = len(text) < TRIGRAM_LENGTH
    condition = Q()
    for name in (kind.short_fields or kind.fields) if short else kind.fields:
        match = ILike(F(name), pattern)
        if short and name in kind.gram_fields:
            match = GramsContain(F(name), Value(text, output_field=_CharField())) & match
        condition |= match
    if kind.extra_match is not None:
        extra = kind.extra_match(user=user, text=text)
        if extra is not None:
            condition |= extra
    return kind.rows(user=user).filter(condition)


def search(*, user, text: str, kinds: tuple[str, ...] | None = None, limit: int = DEFAULT_LIMIT) -> list[Group]:
    """Every kind ``user`` may search (or those named in ``kinds``) with its hits for ``text``: one
    query a kind; the groups with no hit are left out."""
    limit = max(1, min(limit, MAX_LIMIT))
    groups = []
    for kind in KINDS:
        if (kinds and kind.key not in kinds) or not kind.visible_to(user):
            continue
        columns, expressions = _shows(kind)
        # No ORDER BY: the scan stops at the cap's hit instead of reading every match to sort them
        # (a common name matches 25,000 of 1M records). Up to the cap every hit is found, so the
        # order below is exact; beyond it the page shows some of the hits and asks for more words.
        qs = matches(kind, user=user, text=text).order_by().values(*columns, **expressions)
        rows = _sorted(list(qs[:COUNT_CAP + 1]), kind.ordering)
        if not rows:
            continue
        hits = [Hit(kind.key, r["id"], str(kind.title(r)), str(kind.subtitle(r)), kind.url(r["id"])) for r in rows[:min(limit, COUNT_CAP)]]
        groups.append(Group(kind=kind, count=min(len(rows), COUNT_CAP), capped=len(rows) > COUNT_CAP, hits=hits))
    return groups


def _sorted(rows: list[dict], ordering: tuple[str, ...]) -> list[dict]:
    """``rows`` in the kind's order ("-id": newest first), each key a column the hit reads."""
    for key in reversed(ordering):
        name = key.lstrip("-")
        rows.sort(key=lambda r: (r[name] is None, r[name]), reverse=key.startswith("-"))
    return rows


def _shows(kind: Kind) -> tuple[list[str], dict]:
    """``values()`` arguments: the row's own columns by name, the joined names as expressions
    (whose aliases must differ from the model's field names)."""
    columns = [value for value in kind.shows.values() if isinstance(value, str)]
    return columns, {name: value for name, value in kind.shows.items() if not isinstance(value, str)}

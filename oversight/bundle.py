"""The sections of the auditor's report bundle (issue 14 §6) and of the one-town dossier
(一镇一档, issue 15 §2), built from every app through its selectors, and their GB/T 9704 PDF.

A section is a title, a few key figures, paragraphs and tables, read for a ``Scope``: the towns
of a division the user may see, and a period. Each builder reads one app (oversight never reads
another app's models: import-linter), so the bundle's job can report its progress section by
section, and the dossier's page shows the same sections, each linking to its records.

    scope = scope_for(user=auditor, division=county, start=date(2026, 1, 1), end=date(2026, 6, 30))
    sections = [build(scope) for build in BUILDERS]
    pdf, pages = sections_pdf(title_phrases=[...], issuer=..., sections=sections, ...)

The PDF has a table of contents whose page numbers WeasyPrint fills in
(``target-counter(attr(href), page)``).
"""

from __future__ import annotations

import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.ledger import chain
from core.ledger import registry as ledgers
from core.ledger import scoping as ledger_scoping
from core.ledger.models import Account
from core.pdf import table_column_widths, title_lines
from delegation import selectors as delegation_selectors
from delegation.choices import FilingState, ItemStatus, Mode, TakeOverStatus
from finance import selectors as finance_selectors
from landuse import selectors as landuse_selectors
from personnel import selectors_staffing
from personnel.choices_staffing import EstablishmentKind
from regions import scoping
from regions.models import Division

from . import selectors, services_bundle
from .choices import FindingState, ReplyDecision

ROW_LIMIT = 500  # rows of one table at most (the rest is counted in a note): a bundle stays readable
# The PDF's tables (bundle.html): 五号 (10.5 pt) cells with 1 mm of padding and 0.5 pt rules.
CELL_PT, CELL_PADDING_MM = 10.5, 1.0 + 0.5 * 25.4 / 72 / 2


# --- what a section is ---------------------------------------------------------------------------
@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per row, the record's page ("" for none); pages only
    numeric: frozenset[int] = frozenset()  # column indexes set right-aligned (and never broken)
    nowrap: frozenset[int] = frozenset()  # column indexes never broken (dates, codes)
    note: str = ""
    total: list[str] | None = None  # a 合计 row

    @property
    def widths(self) -> list[float]:
        """The columns' widths in the PDF, per cent of the text block (``table-layout: fixed``)."""
        return table_column_widths(self.columns, [*self.rows, *([self.total] if self.total else [])],
                                   font_pt=CELL_PT, padding_mm=CELL_PADDING_MM,
                                   nowrap=self.numeric | self.nowrap)

    @property
    def linked_rows(self) -> list[tuple[list[str], str]]:
        """(cells, link) per row, for a page that links each row to its record."""
        return [(row, self.links[i] if i < len(self.links) else "") for i, row in enumerate(self.rows)]


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value): the key figures
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    link: str = ""  # the records behind the section (a list page)
    link_label: str = ""


@dataclass(frozen=True)
class Scope:
    user: object
    division: Division
    towns: tuple[Division, ...]
    start: datetime.date
    end: datetime.date

    @property
    def town_ids(self) -> list[int]:
        return [t.pk for t in self.towns]

    @property
    def as_of(self) -> datetime.date:
        """The day states are judged on (overdue, outstanding): the period's end, or today if sooner."""
        return min(self.end, timezone.localdate())

    @property
    def single_town(self) -> Division | None:
        return self.towns[0] if len(self.towns) == 1 and self.towns[0].pk == self.division.pk else None


def scope_for(*, user, division: Division, start: datetime.date, end: datetime.date) -> Scope:
    """The towns of ``division`` that ``user`` sees (the division itself when it is a town)."""
    towns = scoping.towns_visible(user).filter(path__startswith=division.path).order_by("path")
    return Scope(user=user, division=division, towns=tuple(towns), start=start, end=end)


# --- formatting ----------------------------------------------------------------------------------
def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):,.2f}"


def _mu(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):,.2f}"


def day_text(value: datetime.date | None) -> str:
    return value.isoformat() if value else "—"


def page_url(name: str, *args, query: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:  # a page not mounted in this deployment
        return ""
    return f"{url}?{query}" if query else url


def _limit(table: Table, rows: list, make: Callable) -> None:
    for row in rows[:ROW_LIMIT]:
        cells, link = make(row)
        table.rows.append(cells)
        table.links.append(link)
    if len(rows) > ROW_LIMIT:
        table.note = gettext("另有%(n)s条未列出，详见系统。") % {"n": len(rows) - ROW_LIMIT}


def _town_query(scope: Scope, name: str = "division") -> str:
    town = scope.single_town
    return f"{name}={town.pk}" if town else ""


# --- the sections --------------------------------------------------------------------------------
def catalogue_section(scope: Scope) -> Section:
    """下放事项目录: the items in force assigned to the towns (not revoked) by the period's end."""
    section = Section("catalogue", gettext("下放事项目录（施行中）"),
                      link=page_url("delegation:assignment-list", query=_town_query(scope)),
                      link_label=gettext("承接情况"))
    assignments = list(
        delegation_selectors.assignment_list(user=scope.user)
        .filter(division_id__in=scope.town_ids, assigned_on__lte=scope.end,
                item__status__in=[ItemStatus.PUBLISHED, ItemStatus.IN_FORCE])
        .exclude(takeover_status=TakeOverStatus.REVOKED)
        .order_by("division__path", "item__code"))
    taken = sum(a.takeover_status == TakeOverStatus.TAKEN_OVER for a in assignments)
    section.figures = [(gettext("下放事项（项次）"), str(len(assignments))), (gettext("已承接"), str(taken)),
                       (gettext("待承接"), str(len(assignments) - taken))]
    modes = list(Mode)
    per_town: dict[int, Counter] = defaultdict(Counter)
    for a in assignments:
        per_town[a.division_id][a.mode] += 1
        per_town[a.division_id]["taken" if a.takeover_status == TakeOverStatus.TAKEN_OVER else "waiting"] += 1
    summary = Table(gettext("各镇承接事项"), [gettext("镇"), *[str(m.label) for m in modes], gettext("已承接"),
                                             gettext("待承接")], numeric=frozenset(range(1, len(modes) + 3)))
    for town in scope.towns:
        c = per_town.get(town.pk, Counter())
        summary.rows.append([town.name, *[str(c[m]) for m in modes], str(c["taken"]), str(c["waiting"])])
        summary.links.append(page_url("delegation:assignment-list", query=f"division={town.pk}"))
    items = Table(gettext("事项清单"), [gettext("序号"), gettext("镇"), gettext("事项编码"), gettext("事项名称"),
                                       gettext("下放部门"), gettext("方式"), gettext("承接状态")],
                  nowrap=frozenset({0, 1, 2, 5}))
    _limit(items, assignments, lambda a: ([
        str(len(items.rows) + 1), a.division.name, a.item.code, a.item.name, a.item.department.name,
        a.get_mode_display(), a.get_takeover_status_display()], page_url("delegation:assignment-detail", a.pk)))
    section.tables = [summary, items]
    if not assignments:
        section.paragraphs.append(gettext("期间内没有下放给这些镇的施行中事项。"))
    return section


def records_section(scope: Scope) -> Section:
    """行权记录与逾期备案: records decided in the period, their filing as of the period's end."""
    as_of = scope.as_of
    section = Section("records", gettext("行权记录与逾期备案"),
                      link=page_url("delegation:record-list", query="&".join(filter(None, [
                          _town_query(scope), f"decided_on_after={scope.start}", f"decided_on_before={scope.end}"]))),
                      link_label=gettext("行权记录"))
    records = delegation_selectors.exercise_record_list(user=scope.user).filter(
        division_id__in=scope.town_ids, decided_on__gte=scope.start, decided_on__lte=scope.end)
    model = records.model  # filing states are the model's one query condition (read, not imported)
    states = (FilingState.ON_TIME, FilingState.LATE, FilingState.OVERDUE, FilingState.PENDING)
    counts = {row["division_id"]: row for row in records.order_by().values("division_id").annotate(
        total=Count("id"), **{s.value: Count("id", filter=model.filing_state_q(s, as_of)) for s in states})}
    per_town = Table(gettext("各镇行权与备案"), [gettext("镇"), gettext("办件"), *[str(s.label) for s in states]],
                     numeric=frozenset(range(1, 6)))
    totals = Counter()
    for town in scope.towns:
        row = counts.get(town.pk, {})
        cells = [row.get("total", 0), *[row.get(s.value, 0) for s in states]]
        totals.update(dict(enumerate(cells)))
        per_town.rows.append([town.name, *map(str, cells)])
        per_town.links.append(page_url("delegation:record-list", query=f"division={town.pk}"))
    per_town.total = [gettext("合计"), *[str(totals[i]) for i in range(5)]]
    section.figures = [(gettext("办件"), str(totals[0])), (gettext("按时备案"), str(totals[1])),
                       (gettext("逾期备案"), str(totals[2])), (gettext("已逾期未备案"), str(totals[3]))]
    late = list(records.filter(model.filing_state_q(FilingState.OVERDUE, as_of)
                               | model.filing_state_q(FilingState.LATE, as_of)).order_by("filing_due_on", "id"))
    overdue = Table(gettext("逾期备案及逾期未备案的办件"), [
        gettext("镇"), gettext("事项"), gettext("决定文号"), gettext("申请人"), gettext("办结日期"),
        gettext("备案期限"), gettext("备案日期")], nowrap=frozenset({0, 4, 5, 6}))
    _limit(overdue, late, lambda r: ([
        r.division.name, r.item.name, r.decision_number, r.applicant, day_text(r.decided_on),
        day_text(r.filing_due_on) + (gettext("（暂定）") if r.filing_due_provisional else ""),
        day_text(r.filed_on) if r.filed_on and r.filed_on <= as_of else gettext("未备案")],
        page_url("delegation:record-detail", r.pk)))
    section.paragraphs.append(gettext("备案情况按%(day)s的状态统计。") % {"day": day_text(as_of)})
    section.tables = [per_town, overdue] if late else [per_town]
    return section


def finance_section(scope: Scope) -> Section:
    """财政结算对账: per town, what the arrangement owes for months in the period, paid, outstanding."""
    town = scope.single_town
    section = Section("finance", gettext("财政结算对账"),
                      link=page_url("finance:town", town.pk) if town else page_url("finance:reconciliation"),
                      link_label=gettext("财政结算"))
    ids = set(scope.town_ids)
    rows = [r for r in finance_selectors.reconciliation(user=scope.user, start=scope.start, end=scope.end,
                                                        today=scope.as_of) if r.town_id in ids]
    table = Table(gettext("应返还与拨付"), [gettext("镇"), gettext("应返还（元）"), gettext("已拨付（元）"),
                                         gettext("未拨付（元）"), gettext("其中逾期（元）")],
                  numeric=frozenset({1, 2, 3, 4}))
    total = [Decimal(0)] * 4
    for r in rows:
        values = [r.owed, r.paid, r.outstanding, r.overdue]
        total = [a + b for a, b in zip(total, values, strict=True)]
        table.rows.append([r.town, *map(_money, values)])
        table.links.append(page_url("finance:town", r.town_id))
    table.total = [gettext("合计"), *map(_money, total)]
    section.figures = [(gettext("应返还（元）"), _money(total[0])), (gettext("已拨付（元）"), _money(total[1])),
                       (gettext("逾期未拨付（元）"), _money(total[3]))]
    section.tables = [table]
    if not any(total):  # no town, or nothing owed nor paid for the period's months (the demo's are 2009–2013)
        section.paragraphs.append(gettext("期间内没有应返还的财政分成。"))
    return section


def ledger_section(scope: Scope) -> Section:
    """台账校验: the hash chains of every account the towns and the division own, verified now."""
    owners = [*scope.town_ids, scope.division.pk]
    accounts = ledger_scoping.scope(Account.objects.filter(owner_id__in=owners), scope.user)
    by_ledger = defaultdict(list)
    for pk, ledger in accounts.values_list("pk", "ledger").order_by("ledger", "pk"):
        by_ledger[ledger].append(pk)
    section = Section("ledger", gettext("台账校验"))
    table = Table(gettext("各台账哈希链校验"), [gettext("台账"), gettext("账户数"), gettext("分录数"),
                                            gettext("校验结果")], numeric=frozenset({1, 2}))
    problems = []
    checked = entries = 0
    for code, ids in sorted(by_ledger.items()):
        result = chain.verify(accounts=ids)
        checked, entries = checked + result.accounts, entries + result.entries
        problems += result.problems
        name = ledgers.get(code).name if code in ledgers.codes() else code
        table.rows.append([name, str(result.accounts), str(result.entries),
                           gettext("通过") if result.ok else gettext("未通过")])
        table.links.append("")
    section.figures = [(gettext("账户"), str(checked)), (gettext("分录"), str(entries)),
                       (gettext("校验结果"), gettext("全部通过") if not problems else gettext("%(n)s个账户未通过") % {
                           "n": len(problems)})]
    section.paragraphs.append(gettext("校验于%(at)s逐条重算分录哈希，核对链条连续、余额与分录合计一致。") % {
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    section.tables = [table]
    if problems:
        bad = Table(gettext("未通过的分录"), [gettext("账户"), gettext("序号"), gettext("原因")])
        _limit(bad, problems, lambda p: ([str(p.account_id), str(p.seq or "—"), p.reason], ""))
        section.tables.append(bad)
    return section


def establishment_section(scope: Scope) -> Section:
    """机构编制使用: each town's approved, used and free establishment and leadership posts (now)."""
    town = scope.single_town
    section = Section("establishment", gettext("机构编制使用情况"),
                      link=page_url("personnel:town-staffing", town.pk) if town else page_url("personnel:staffing"),
                      link_label=gettext("编制使用"))
    tables = selectors_staffing.staffing_tables(towns=list(scope.towns))
    kinds = Table(gettext("编制使用"), [gettext("镇"), gettext("编制类型"), gettext("核定"), gettext("已用"),
                                      gettext("空余"), gettext("在编人数")], numeric=frozenset({2, 3, 4, 5}))
    leaders = Table(gettext("领导职数"), [gettext("镇"), gettext("职数"), gettext("核定"), gettext("已配"),
                                        gettext("空缺")], numeric=frozenset({2, 3, 4}))
    approved = filled = 0
    for t in tables:
        for row in t.totals:
            approved, filled = approved + row.approved, filled + row.filled
            kinds.rows.append([t.town.name, str(EstablishmentKind(row.kind).label), str(row.approved),
                               str(row.filled), str(row.free), str(row.people)])
            kinds.links.append(page_url("personnel:town-staffing", t.town.pk))
        for row in t.leaders:
            leaders.rows.append([t.town.name, str(row.label), str(row.approved), str(row.filled), str(row.free)])
            leaders.links.append(page_url("personnel:town-staffing", t.town.pk))
    section.figures = [(gettext("核定编制"), str(approved)), (gettext("已用编制"), str(filled)),
                       (gettext("空余编制"), str(approved - filled))]
    section.paragraphs.append(gettext("编制数为截至生成时的台账余额。"))
    section.tables = [kinds, leaders]
    return section


def land_section(scope: Scope) -> Section:
    """用地指标: each town's quota per year of the period (received, gained, given, used, reserved, available)."""
    town = scope.single_town
    section = Section("land", gettext("建设用地指标"),
                      link=page_url("landuse:town", town.pk) if town else page_url("landuse:index"),
                      link_label=gettext("用地指标"))
    table = Table(gettext("各镇年度指标（亩）"), [
        gettext("镇"), gettext("年度"), gettext("下达"), gettext("新增"), gettext("调出"), gettext("已使用"),
        gettext("预留"), gettext("可用")], numeric=frozenset(range(1, 8)))
    used = available = Decimal(0)
    # Only the years the towns hold quota in (a town's figures of a year are its accounts' of the
    # year): over the demo's period from 2009, three years read instead of eighteen.
    years = sorted(set(landuse_selectors.quota_account_list(user=scope.user).filter(
        division_id__in=scope.town_ids, year__gte=scope.start.year, year__lte=scope.end.year)
        .order_by().values_list("year", flat=True).distinct()))
    for year in years:
        figures = landuse_selectors.towns_figures(towns=list(scope.towns), year=year)
        for t in scope.towns:
            f = figures.get(t.pk)
            if f is None or not any((f.received, f.gained, f.given, f.used, f.reserved, f.posted)):
                continue
            used += f.used
            if year == scope.end.year:
                available += f.available
            table.rows.append([t.name, str(year), *map(_mu, (f.received, f.gained, f.given, f.used, f.reserved,
                                                             f.available))])
            table.links.append(page_url("landuse:town", t.pk))
    section.figures = [(gettext("期间已使用（亩）"), _mu(used)),
                       (gettext("%(year)s年可用（亩）") % {"year": scope.end.year}, _mu(available))]
    section.tables = [table]
    if not table.rows:
        section.paragraphs.append(gettext("期间内这些镇没有用地指标。"))
    return section


def findings_section(scope: Scope) -> Section:
    """督查问题与整改: findings found by the period's end and not closed out before it began."""
    section = Section("findings", gettext("督查问题与整改"),
                      link=page_url("oversight:finding-list", query=_town_query(scope, "town")),
                      link_label=gettext("督查问题"))
    findings = list(
        selectors.finding_list(user=scope.user)
        .filter(town_id__in=scope.town_ids, found_on__lte=scope.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=scope.start))
        .order_by("town__path", "due_on", "id"))
    states = Counter(f.state for f in findings)
    overdue = sum(f.state in FindingState.PENDING and f.due_on < scope.as_of for f in findings)
    section.figures = [(gettext("问题"), str(len(findings))), (gettext("已销号"), str(states[FindingState.CLOSED])),
                       (gettext("逾期未整改"), str(overdue))]
    by_state = Table(gettext("按整改状态"), [gettext("状态"), gettext("问题数")], numeric=frozenset({1}))
    for state in FindingState:
        by_state.rows.append([str(state.label), str(states[state.value])])
        by_state.links.append(page_url("oversight:finding-list", query="&".join(filter(None, [
            _town_query(scope, "town"), f"state={state.value}"]))))
    listing = Table(gettext("问题清单"), [gettext("镇"), gettext("问题描述"), gettext("类别"), gettext("严重程度"),
                                         gettext("发现日期"), gettext("整改期限"), gettext("状态")],
                    nowrap=frozenset({0, 4, 5}))
    _limit(listing, findings, lambda f: ([
        f.town.name, f.description, f.get_category_display(), f.get_severity_display(), day_text(f.found_on),
        day_text(f.due_on), f.get_state_display()], page_url("oversight:finding-detail", f.pk)))
    # 整改: the towns' rectification reports on these findings, as reviewed by the period's end
    replies = list(selectors.reply_list(user=scope.user)
                   .filter(finding_id__in=[f.pk for f in findings], submitted_on__lte=scope.as_of)
                   .order_by("finding__town__path", "finding__due_on", "finding_id", "submitted_on", "id"))
    rectified = Table(gettext("整改情况"), [gettext("镇"), gettext("问题描述"), gettext("报送日期"), gettext("整改情况"),
                                         gettext("审核结果"), gettext("审核日期")], nowrap=frozenset({0, 2, 5}))

    def decision(r) -> tuple[str, str]:
        if r.decided_on is None or r.decided_on > scope.as_of:
            return str(ReplyDecision.PENDING.label), "—"
        reason = f"：{r.return_reason}" if r.decision == ReplyDecision.RETURNED and r.return_reason else ""
        return r.get_decision_display() + reason, day_text(r.decided_on)

    _limit(rectified, replies, lambda r: ([
        r.finding.town.name, r.finding.description, day_text(r.submitted_on), r.text, *decision(r)],
        page_url("oversight:finding-detail", r.finding_id)))
    section.tables = [by_state, listing, rectified] if findings else [by_state]
    return section


#: the bundle's sections, in the order of issue 14 §6
BUILDERS: tuple[Callable[[Scope], Section], ...] = (
    catalogue_section, records_section, finance_section, ledger_section, establishment_section, land_section,
    findings_section,
)


# --- the PDF ---------------------------------------------------------------------------------------
NUMERALS = "一二三四五六七八九十"


def date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sections_pdf(*, title_phrases: list[str], issuer: str, intro: list[str], sections: list[Section],
                 signature: str, date: datetime.date) -> tuple[bytes, int]:
    """The sections as one GB/T 9704 document with a table of contents: (PDF bytes, page count)."""
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s

    numbered = [(f"{NUMERALS[i] if i < 10 else i + 1}、{s.title}", f"sec-{s.key}", s) for i, s in enumerate(sections)]
    html = render_to_string("pdf/oversight/bundle.html", {
        "document_title": "".join(title_phrases), "title_lines": title_lines(title_phrases), "issuer": issuer,
        "intro": intro, "sections": numbered, "signature": signature, "date": date_text(date),
    })
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(), len(document.pages)


def bundle_title(bundle) -> list[str]:
    return [bundle.division.name, gettext("扩权强镇试点工作"), gettext("审计报告材料")]


def bundle_pdf(*, scope: Scope, sections: list[Section], title: list[str]) -> tuple[bytes, int]:
    intro = [gettext("本材料由扩权强镇管理平台根据系统数据生成，范围为%(division)s（%(towns)s），期间为%(start)s至%(end)s。") % {
        "division": scope.division.name, "towns": "、".join(t.name for t in scope.towns) or gettext("无可见的镇"),
        "start": date_text(scope.start), "end": date_text(scope.end)}]
    return sections_pdf(title_phrases=title, issuer=gettext("审计报告材料"), intro=intro, sections=sections,
                        signature=gettext("扩权强镇管理平台"), date=timezone.localdate())


def bundle_generate(*, bundle_id: int) -> None:
    """Build the bundle's sections one by one (recording progress), render its PDF and store it.
    Safe to run twice: a bundle already done, or held by another worker, is left alone."""
    with services_bundle.bundle_claimed(bundle_id=bundle_id) as bundle:
        if bundle is None:
            return
        started = time.perf_counter()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                services_bundle.bundle_start(bundle=bundle, total=len(BUILDERS))
                scope = scope_for(user=bundle.requested_by, division=bundle.division, start=bundle.period_from,
                                  end=bundle.period_to)
                sections = []
                for done, build in enumerate(BUILDERS, start=1):
                    sections.append(build(scope))
                    services_bundle.bundle_progress(bundle=bundle, done=done)
                content, pages = bundle_pdf(scope=scope, sections=sections, title=bundle_title(bundle))
        except Exception as error:  # the job's boundary: record the failure, never leave it running
            services_bundle.bundle_fail(bundle=bundle, error=error)
            return
        services_bundle.bundle_finish(bundle=bundle, content=content, pages=pages,
                                      seconds=time.perf_counter() - started)


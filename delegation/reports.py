"""PDF documents of the catalogue, laid out as official documents (GB/T 9704, DOMAIN.md §9).

- the public notice (公告) of the items a town (or pilot county) holds: the body states each
  batch's document, publication and effective dates; the table of items follows as an
  attachment (附件) grouped by batch; the number and date are the latest batch's;
- the agreement (协议书) under which an assignment was taken over: both parties, the items
  it covers, mode, filing rule, signatories and signing date.

Builders take rows the caller has already been allowed to see; ``catalogue_division`` is the
scoped lookup (404 outside the jurisdiction) for the notice, the assignment of an agreement
comes from ``selectors.assignment_get``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core.deadlines import DeadlineRule
from core.pdf import render_pdf, title_lines
from regions import scoping
from regions.choices import Level
from regions.models import Division

from .choices import ItemStatus, Mode, TakeOverStatus
from .models import Assignment, Item


def cn_date(day: datetime.date) -> str:
    """"2009年11月4日": Arabic numerals, no leading zeros (GB/T 9704 7.3.5.3)."""
    return f"{day.year}年{day.month}月{day.day}日"


def government_of(division: Division) -> str:
    """The people's government of a division: 绩溪县人民政府, 临溪镇人民政府."""
    return f"{division.name}人民政府"


def department_name(department) -> str:
    """A department with its division: 绩溪县城管局."""
    return f"{department.division.name}{department.name}"


def filing_rule_text(item: Item, *, short: bool = False) -> str:
    """The filing rule in words: 自作出决定之日起1个月内报县发改委备案 (short: 决定后1个月内报县发改委备案)."""
    rule = DeadlineRule.parse(item.filing_deadline)
    body = item.filing_body or item.route_after_filing or department_name(item.department)
    return f"决定后{rule}内报{body}备案" if short else f"自作出决定之日起{rule}内报{body}备案"


def legal_basis_text(item: Item) -> str:
    return f"{item.legal_basis}{item.legal_article}"


@dataclass
class ItemRow:
    number: int
    code: str
    name: str
    category: str
    department: str
    legal_basis: str
    mode: str
    filing_rule: str


def _rows(assignments) -> list[ItemRow]:
    return [
        ItemRow(
            number=n, code=a.item.code, name=a.item.name, category=a.item.get_category_display(),
            department=department_name(a.item.department), legal_basis=legal_basis_text(a.item),
            mode=a.get_mode_display(), filing_rule=filing_rule_text(a.item, short=True),
        )
        for n, a in enumerate(assignments, start=1)
    ]


# --- the public notice of a town's catalogue --------------------------------------------------
CN_NUMERALS = "〇一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """一, 二 … 十, 十一 … 九十九: the numbering of 一、 and （一） points."""
    tens, ones = divmod(n, 10)
    if not 0 < n < 100:
        raise ValueError(n)
    return (f"{CN_NUMERALS[tens] if tens > 1 else ''}十" if tens else "") + (CN_NUMERALS[ones] if ones else "")


def catalogue_division(*, user, division_id) -> Division:
    """The receiving body whose notice ``user`` asks for; 404 outside the jurisdiction."""
    division = scoping.scope(Division.objects.select_related("parent"), user).filter(pk=division_id).first()
    if division is None:
        raise Http404("该区划不存在或不在您的管辖范围内。")
    return division


def catalogue_assignments(*, division: Division):
    """The items ``division`` holds (assigned or taken over, not revoked) that are announced:
    in force, or in a published batch that takes effect later. By batch, then code."""
    announced = Q(item__status=ItemStatus.IN_FORCE) | Q(item__status=ItemStatus.PUBLISHED,
                                                         item__batch__published_on__isnull=False)
    return (
        Assignment.objects.filter(announced, division=division)
        .exclude(takeover_status=TakeOverStatus.REVOKED)
        .select_related("item__department__division", "item__batch__division")
        .order_by("item__batch__effective_on", "item__batch__code", "item__code")
    )


@dataclass
class BatchPart:
    """One batch's share of a notice: its document, its dates, its rows."""

    label: str  # （一）, （二）: the second-level numbering of the body's points
    name: str
    document_number: str
    published_on: str
    effective_on: str
    rows: list

    @property
    def reference(self) -> str:
        """《…》（绩政〔2009〕88号，2009年12月20日公布）"""
        details = "，".join(filter(None, [self.document_number, self.published_on and f"{self.published_on}公布"]))
        return f"《{self.name}》（{details}）" if details else f"《{self.name}》"

    @property
    def caption(self) -> str:
        """The table's heading for this batch's rows."""
        return f"{self.reference}，自{self.effective_on}起施行" if self.effective_on else self.reference


def _batch_parts(assignments: list[Assignment]) -> list[BatchPart]:
    parts: dict = {}
    rows = _rows(assignments)
    for assignment, row in zip(assignments, rows, strict=True):
        batch = assignment.item.batch
        if batch.pk not in parts:
            parts[batch.pk] = BatchPart(
                label=f"（{cn_ordinal(len(parts) + 1)}）", name=batch.name, document_number=batch.document_number,
                published_on=cn_date(batch.published_on) if batch.published_on else "",
                effective_on=cn_date(batch.effective_on), rows=[],
            )
        parts[batch.pk].rows.append(row)
    return list(parts.values())


def catalogue_context(*, division: Division, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    # An item is only ever published in a batch; one without (a data repair) has no date to state.
    assignments = [a for a in catalogue_assignments(division=division) if a.item.batch_id]
    parts = _batch_parts(assignments)
    latest = assignments[-1].item.batch if assignments else None
    # The body that publishes the batch issues the notice (绩溪县 for 临溪镇, 东莞市 for 石龙镇);
    # the notice carries the number and date of the latest batch it announces.
    issuer_division = latest.division if latest else (division.parent or division)
    issuer = government_of(issuer_division)
    kind = "行政管理事项" if division.level == Level.TOWN else "管理权限事项"
    date = cn_date(latest.published_on or latest.effective_on) if latest else cn_date(today)
    departments = list(dict.fromkeys(department_name(a.item.department) for a in assignments))
    modes = [m.label for m in Mode if any(a.mode == m for a in assignments)]
    return {
        "issuer": issuer,
        "doc_number": latest.document_number if latest else "",
        "title": f"{issuer}关于向{division.name}下放{kind}的公告",
        "title_lines": title_lines([issuer, f"关于向{division.name}", "下放", kind, "的公告"]),
        "division": division,
        "receiver": government_of(division),
        "kind": kind,
        "count": len(assignments),
        "parts": parts,
        "groups": [{"caption": p.caption, "rows": p.rows} for p in parts],
        "rows": [row for p in parts for row in p.rows],
        "modes": modes,
        "entrusted": any(a.mode == Mode.ENTRUST for a in assignments),
        "attachment_title": f"{division.name}承接{kind}目录",
        "attachment_title_lines": title_lines([division.name, f"承接{kind}", "目录"]),
        "signature": issuer,
        "date": date,
        # 版记: the departments that hand the items down and the leading group's office read it.
        "cc": [*departments, f"{issuer_division.name}扩权强镇工作领导小组办公室"],
        "printer": f"{issuer}办公室",
        "printed_on": date,
    }


def catalogue_pdf(*, division: Division) -> bytes:
    """The notice (公告) of the items announced for ``division``, as a PDF."""
    return render_pdf("pdf/delegation/catalogue.html", catalogue_context(division=division))


# --- the agreement of an assignment ------------------------------------------------------------
MODE_CLAUSES = {
    Mode.DEVOLVE: "甲方将下列事项下放乙方，由乙方以自己的名义依法实施，并承担相应的法律责任。",
    Mode.AUTHORISE: "甲方依法授权乙方实施下列事项，乙方在授权范围内以自己的名义实施，并承担相应的法律责任。",
    Mode.ENTRUST: "甲方委托乙方实施下列事项，乙方以甲方的名义实施，甲方对其行为的后果承担法律责任；"
                  "乙方承办人员须持有甲方核发的有效行政执法证，持证上岗。",
    Mode.FRONT_DESK: "甲方将下列事项的受理窗口前移至乙方便民服务中心，由乙方受理后按规定转送甲方办理。",
}


def agreement_assignments(*, assignment: Assignment) -> list[Assignment]:
    """The assignments the agreement of ``assignment`` covers (only itself when unsigned)."""
    if assignment.agreement_id is None:
        return [assignment]
    return list(
        Assignment.objects.filter(agreement_id=assignment.agreement_id)
        .exclude(takeover_status=TakeOverStatus.REVOKED)
        .select_related("item__department__division")
        .order_by("item__code")
    ) or [assignment]


def agreement_context(*, assignment: Assignment) -> dict:
    agreement = assignment.agreement
    department = agreement.department if agreement else assignment.item.department
    town = assignment.division
    covered = agreement_assignments(assignment=assignment)
    modes = [Mode(m) for m in dict.fromkeys(a.mode for a in covered)]
    mode_names = "、".join(str(m.label) for m in modes)
    party_a, party_b = department_name(department), government_of(town)
    return {
        "issuer": party_a,
        "doc_number": agreement.number if agreement else "",
        "title": f"行政管理事项{mode_names}协议书",
        "title_lines": title_lines(["行政管理事项", mode_names, "协议书"]),
        "party_a": party_a,
        # 委托方 / 授权方 when the agreement is of that one kind; 下放方 otherwise.
        "party_a_role": {Mode.ENTRUST: "委托方", Mode.AUTHORISE: "授权方"}.get(modes[0], "下放方")
        if len(modes) == 1 else "下放方",
        "party_b": party_b,
        "agreement": agreement,
        "assignment": assignment,
        "groups": [{"caption": "", "rows": _rows(covered)}],
        "mode_clauses": [MODE_CLAUSES[m] for m in modes],
        "mode_names": mode_names,
        "receiving_unit": assignment.receiving_unit,
        "filing_rules": list(dict.fromkeys(filing_rule_text(a.item) for a in covered)),
        "department_signatory": agreement.department_signatory if agreement else "",
        "receiver_signatory": agreement.receiver_signatory if agreement else "",
        "date": cn_date(agreement.signed_on) if agreement else "",
        # 版记: party A prints it; the leading group's office keeps the third copy (第五条).
        "cc": [f"{department.division.name}扩权强镇工作领导小组办公室"],
        "printer": party_a,
        "printed_on": cn_date(agreement.signed_on) if agreement else "　　年　　月　　日",
    }


def agreement_pdf(*, assignment: Assignment) -> bytes:
    """The agreement (协议书) of ``assignment`` as a PDF; blank signature lines when unsigned."""
    return render_pdf("pdf/delegation/agreement.html", agreement_context(assignment=assignment))

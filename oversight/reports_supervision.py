"""The written report of the half-yearly supervision (综合督查情况的报告) to the county party
committee and government, as a GB/T 9704 报告 (core.pdf): 主送 the committee and the government,
the body with the half year's figures from every app (the snapshot of
selectors_supervision.report_figures) and the findings per town, then 落款 and date.

The PDF is rendered from the figures stored with the report, so what it says is what the
version's snapshot holds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from core.pdf import render_pdf, title_lines

from . import selectors_supervision
from .choices import FindingState
from .models import Half, SupervisionReport

NUMERALS = "一二三四五六七八九十"


def _date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _sum(rows, part: str, key: str, cast=int):
    return sum((cast(r[part][key]) for r in rows), cast(0))


def _yuan(value) -> str:
    return f"{Decimal(value):,.2f}"


def _mu(value) -> str:
    """Land in mu as a report shows it: two places (the figures keep landuse's four)."""
    return f"{Decimal(value):,.2f}"


def report_context(*, figures: dict) -> dict:
    """The template's context from a report's figures (JSON as stored)."""
    towns = figures["towns"]
    division = figures["division"]
    by_town: dict[int, list[dict]] = {}
    for f in figures["findings"]:
        by_town.setdefault(f["town_id"], []).append(f)
    finding_towns = [{"name": t["name"], "findings": by_town[t["id"]]} for t in towns if t["id"] in by_town]
    known = {t["id"] for t in towns}
    for town_id, rows in by_town.items():  # a finding's town the report's towns miss (not steered any more)
        if town_id not in known:
            finding_towns.append({"name": rows[0]["town"], "findings": rows})
    states = {s: sum(1 for f in figures["findings"] if f["state"] == s) for s in FindingState.values}
    half = Half(figures["half"]).label
    title = _("关于%(year)s年%(half)s扩权强镇试点工作综合督查情况的报告") % {"year": figures["year"], "half": half}
    as_of = datetime.date.fromisoformat(figures["as_of"])
    return {
        "f": figures,
        "title": figures["group"] + title,
        "title_lines": title_lines([figures["group"], _("关于%(year)s年%(half)s") % {"year": figures["year"], "half": half},
                                    _("扩权强镇试点工作"), _("综合督查情况的报告")]),
        "issuer": figures["group"],
        "recipient": _("中共%(d)s委、%(d)s人民政府") % {"d": division},
        "opened_on": _date(datetime.date.fromisoformat(figures["opened_on"])),
        "as_of": _date(as_of),
        "participants": "、".join(p["name"] for p in figures["participants"]),
        "town_names": "、".join(t["name"] for t in towns),
        "towns": [{**t, "landuse": {key: _mu(value) for key, value in t["landuse"].items()}} for t in towns],
        "totals": {
            "assigned": _sum(towns, "delegation", "assigned"), "taken_over": _sum(towns, "delegation", "taken_over"),
            "records": _sum(towns, "delegation", "records"), "on_time": _sum(towns, "delegation", "on_time"),
            "late": _sum(towns, "delegation", "late"), "unfiled_overdue": _sum(towns, "delegation", "unfiled_overdue"),
            "overdue_now": _sum(towns, "delegation", "overdue_now"),
            "owed": _yuan(_sum(towns, "finance", "owed", Decimal)), "paid": _yuan(_sum(towns, "finance", "paid", Decimal)),
            "outstanding": _yuan(_sum(towns, "finance", "outstanding", Decimal)),
            "overdue": _yuan(_sum(towns, "finance", "overdue", Decimal)),
            "approved": _sum(towns, "personnel", "approved"), "filled": _sum(towns, "personnel", "filled"),
            "free": _sum(towns, "personnel", "free"),
            "received": _mu(_sum(towns, "landuse", "received", Decimal)),
            "used": _mu(_sum(towns, "landuse", "used", Decimal)),
            "available": _mu(_sum(towns, "landuse", "available", Decimal)),
        },
        "finding_towns": finding_towns,
        "finding_total": len(figures["findings"]),
        "states": states,
        "overdue_findings": sum(1 for f in figures["findings"] if f["overdue"]),
        "signature": figures["group"],
        "date": _date(as_of),
    }


def report_pdf(*, figures: dict) -> bytes:
    """The report of one version, from its figures."""
    return render_pdf("pdf/oversight/supervision_report.html", report_context(figures=figures))


def page_count(pdf: bytes) -> int | None:
    """Pages of a rendered PDF, when PyMuPDF is installed (it is in the development set: WeasyPrint
    writes compressed object streams, so the page objects cannot be counted in the bytes); None
    otherwise (the report's page count is shown when known)."""
    try:
        import pymupdf
    except ImportError:
        return None
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return doc.page_count


def report_build(*, report: SupervisionReport) -> tuple[bytes, dict, int | None]:
    """The figures of the report's half year as of its date, and the PDF showing them."""
    figures = selectors_supervision.report_figures(supervision=report.supervision, as_of=report.as_of)
    figures["version"] = report.version
    pdf = report_pdf(figures=figures)
    return pdf, figures, page_count(pdf)

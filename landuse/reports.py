"""The land-quota statement (建设用地指标使用情况) of a town and year as a PDF, in GB/T 9704 layout
(core/pdf.py): what the town received, gained (reclamation, consolidation, linkage), reserved,
used and has available, in mu with hectares beside; its projects; the reclamations accepted;
its farmland balance. Issued by the county's leading-group office, which keeps the quota ledger.
Everything it states is read through the selectors; the view checks the town is in scope."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.pdf import render_pdf, title_lines
from core.units import fmt_mu
from regions.models import Division

from . import rules, selectors
from .choices import GainKind, ProjectStatus, ReclamationStatus
from .models import Project, Reclamation

SHOWN_STATUSES = (ProjectStatus.UNDER_REVIEW, ProjectStatus.APPROVED)


def cn_date(day: datetime.date) -> str:
    """"2012年5月10日": Arabic numerals, no leading zeros (GB/T 9704 7.3.5.3)."""
    return f"{day.year}年{day.month}月{day.day}日"


def mu(value) -> str:
    return fmt_mu(value)


def ha(value) -> str:
    return f"{rules.mu_to_ha(value):,}"


def statement_context(*, town: Division, year: int, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    county = town.parent or town
    quota = next((row for row in selectors.division_quota(division=town) if row.year == year), None)
    figures = quota.figures if quota else selectors.Figures()
    projects = list(Project.objects.filter(town=town, year=year, status__in=SHOWN_STATUSES).order_by("applied_on", "id"))
    reclamations = list(Reclamation.objects.filter(town=town, status=ReclamationStatus.ACCEPTED,
                                                   acceptance__accepted_on__year=year)
                        .select_related("acceptance").order_by("acceptance__accepted_on", "id"))
    balance = next((r for r in selectors.farmland_town_years(town=town, until_year=year) if r.year == year), None)
    issuer = f"{county.name}扩权强镇工作领导小组办公室"
    title = f"{town.name}{year}年度建设用地指标使用情况"
    gains = [{"label": str(GainKind(k).label), "mu": mu(v), "ha": ha(v)} for k, v in sorted(figures.gains_by_kind.items())]
    return {
        "issuer": issuer,
        "doc_number": "",
        "title": title,
        "title_lines": title_lines([town.name, f"{year}年度", "建设用地指标", "使用情况"]),
        "town": town,
        "county": county,
        "year": year,
        "figures": {name: {"mu": mu(getattr(figures, name)), "ha": ha(getattr(figures, name))}
                    for name in ("received", "given", "gained", "reserved", "used", "available")},
        "has_quota": quota is not None,
        "closed": quota.closed if quota else None,
        "gains": gains,
        "projects": [{"number": n, "name": p.name, "kind": p.get_kind_display(), "area": mu(p.area_mu),
                      "quota": mu(p.quota_mu), "farmland": mu(p.farmland_mu), "status": p.get_status_display(),
                      "document": p.approval_document or p.application_document or "—", "flagged": p.flagged}
                     for n, p in enumerate(projects, start=1)],
        "reclamations": [{"number": n, "name": r.name, "kind": r.get_kind_display(), "area": mu(r.acceptance.area_mu),
                          "accepted_on": cn_date(r.acceptance.accepted_on), "document": r.acceptance.document_number,
                          "subsidy": f"{r.acceptance.subsidy_amount:,}"} for n, r in enumerate(reclamations, start=1)],
        "balance": balance and {"occupied": mu(balance.occupied), "replaced": mu(balance.replaced),
                                "balanced_in": mu(balance.balanced_in), "given_out": mu(balance.given_out),
                                "carried_in": mu(balance.carried_in), "balance": mu(balance.balance),
                                "shortfall": mu(balance.shortfall), "balanced": balance.balanced},
        "signature": issuer,
        "date": cn_date(today),
        "cc": [f"{county.name}国土资源局", f"{county.name}财政局", f"{town.name}人民政府"],
        "printer": issuer,
        "printed_on": cn_date(today),
    }


def statement_pdf(*, town: Division, year: int) -> bytes:
    """建设用地指标使用情况 of ``town`` in ``year`` as a PDF."""
    return render_pdf("pdf/landuse/statement.html", statement_context(town=town, year=year))

"""Demo data of oversight: supervision (issue 14 §9), called by demo.load_demo_oversight once the leading
group, its members, 临溪镇 and the supervision findings exist: the supervision of the last half year with
the bodies that took part (发改委 as the office, the granting departments, 法制办, 审计局, 财政局), the
demo's supervision findings linked to it, and its written report, version 1, generated here (not on a
worker: the demo is loaded before any worker runs)."""

from __future__ import annotations

import datetime

from . import reports_supervision, services_supervision
from .choices import FindingOccasion, Half, ParticipantRole

PARTICIPANTS = [("FGW", ParticipantRole.OFFICE), ("JW", ParticipantRole.GRANTING), ("GTJ", ParticipantRole.GRANTING),
                ("FZB", ParticipantRole.LEGAL), ("SJJ", ParticipantRole.AUDIT), ("CZJ", ParticipantRole.FINANCE)]


def last_half(today: datetime.date) -> tuple[int, int]:
    return (today.year - 1, 2) if Half.of(today) == 1 else (today.year, 1)


def load(*, group, office, clerk, today: datetime.date) -> None:
    from regions.models import Department

    year, half = last_half(today)
    start, end = Half.bounds(year, half)
    supervision, created = services_supervision.supervision_open(group=group, year=year, half=half,
                                                                 opened_on=end - datetime.timedelta(days=14),
                                                                 actor=office)
    if not created:
        return
    depts = {d.code.split("-")[-1]: d for d in Department.objects.filter(division=group.division)}
    for code, role in PARTICIPANTS:
        if code in depts:
            services_supervision.participant_add(supervision=supervision, department=depts[code], role=role,
                                                 actor=office)
    for finding in group.findings.filter(occasion=FindingOccasion.SUPERVISION, source__isnull=True).order_by("id"):
        services_supervision.supervision_finding_link(supervision=supervision, finding=finding, actor=office)
    report = services_supervision.report_request(supervision=supervision, actor=office, as_of=today, enqueue=False)
    pdf, figures, pages = reports_supervision.report_build(report=report)
    services_supervision.report_complete(report=report, pdf=pdf, figures=figures, pages=pages)

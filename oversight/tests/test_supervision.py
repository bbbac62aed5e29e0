"""The half-yearly supervision (issue 14 §3): opened once per group and half year by the daily
job, participants, findings per town through the findings' own flow, item inspections, the
finance bureau's quarterly findings taken over once, the written report versioned (one version
per request, done once however often its job runs) and its text: towns, findings, figures."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import ApplicationError, ConflictError
from oversight import reports_supervision, selectors_supervision, services, tasks_supervision
from oversight import services_supervision as ss
from oversight.choices import (
    FindingCategory,
    FindingOccasion,
    FindingState,
    ReportState,
    Severity,
    SupervisionState,
)
from oversight.models import FindingSource, Supervision, SupervisionReport
from regions.tests.factories import DepartmentFactory, TownFactory

from .factories import finding, group_with_towns, leading_group

D = datetime.date


@pytest.fixture(autouse=True)
def report_files_registered():
    selectors_supervision.register_files()  # OversightConfig.ready() once hunk S.md is applied


def pdf_text(pdf: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def add_finding(supervision, town, **kw):
    return ss.supervision_finding_add(
        supervision=supervision, town=town, category=kw.pop("category", FindingCategory.FILING),
        severity=kw.pop("severity", Severity.GENERAL), description=kw.pop("description", "3件许可决定未按期备案"),
        rule_breached=kw.pop("rule_breached", "审批后1个月内备案"), found_on=kw.pop("found_on", D(2026, 2, 10)),
        rectify_months=kw.pop("months", 1), actor=kw.pop("actor", None))


def test_open_is_once_per_group_and_half(db):
    group, _towns = group_with_towns(1)
    first, created = ss.supervision_open(group=group, year=2026, half=1, opened_on=D(2026, 1, 5))
    again, created_again = ss.supervision_open(group=group, year=2026, half=1, opened_on=D(2026, 3, 1))
    assert created and not created_again and first.pk == again.pk
    assert first.title == f"{group.name}2026年上半年综合督查" and first.state == SupervisionState.OPEN
    assert first.period == (D(2026, 1, 1), D(2026, 6, 30))


def test_daily_job_opens_the_current_half_once_and_catches_up(db):
    group, _towns = group_with_towns(1)
    other = leading_group(name="另一领导小组")
    # The worker was down on 1 July: the run of 3 July opens the second half, later runs change nothing.
    assert tasks_supervision.open_supervisions_task.delay("2026-07-03").get() == 2
    assert tasks_supervision.open_supervisions_task.delay("2026-07-04").get() == 2
    assert tasks_supervision.open_supervisions_task.delay("2026-12-31").get() == 2
    assert Supervision.objects.filter(group__in=[group, other]).count() == 2
    s = Supervision.objects.get(group=group)
    assert (s.year, s.half, s.opened_on) == (2026, 2, D(2026, 7, 3))
    tasks_supervision.open_supervisions_task.delay("2027-01-02").get()
    assert Supervision.objects.filter(group=group).count() == 2


def test_participants_only_of_the_groups_government(db):
    group, _towns = group_with_towns(1)
    s, _ = ss.supervision_open(group=group, year=2026, half=1)
    audit = DepartmentFactory(division=group.division, name="审计局")
    p = ss.participant_add(supervision=s, department=audit, role="audit", actor=None)
    assert ss.participant_add(supervision=s, department=audit, role="audit", actor=None).pk == p.pk
    elsewhere = DepartmentFactory(name="外县财政局")
    with pytest.raises(ValidationError):
        ss.participant_add(supervision=s, department=elsewhere, role="finance", actor=None)
    assert s.participants.count() == 1


def test_findings_follow_the_rectification_flow_and_refusals(db, django_user_model):
    group, towns = group_with_towns(2)
    s, _ = ss.supervision_open(group=group, year=2026, half=1)
    f = add_finding(s, towns[0])
    assert f.occasion == FindingOccasion.SUPERVISION and f.source.supervision_id == s.pk
    assert f.due_on == D(2026, 3, 10)
    # The same finding flow: the town replies, the office accepts and closes out.
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("整改.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    services.finding_reply(finding=f, text="已补报", submitted_on=D(2026, 2, 20), evidence=[pdf], actor=None)
    services.finding_accept(finding=f, on=D(2026, 2, 25), actor=None)
    assert services.finding_close(finding=f, on=D(2026, 2, 26), actor=None).state == FindingState.CLOSED
    # Nobody but the office writes: a plain login is refused and nothing is written.
    stranger = django_user_model.objects.create_user("stranger")
    with pytest.raises(PermissionDenied):
        add_finding(s, towns[1], actor=stranger)
    with pytest.raises(PermissionDenied):
        ss.report_request(supervision=s, actor=stranger)
    assert FindingSource.objects.filter(supervision=s).count() == 1
    # A town outside the group's county is refused by the finding's own rules.
    with pytest.raises(ValidationError):
        add_finding(s, TownFactory())


def test_link_existing_finding_once(db):
    group, towns = group_with_towns(1)
    s, _ = ss.supervision_open(group=group, year=2026, half=1)
    other, _ = ss.supervision_open(group=group, year=2026, half=2)
    f = finding(group, towns[0])
    link = ss.supervision_finding_link(supervision=s, finding=f, actor=None)
    assert ss.supervision_finding_link(supervision=s, finding=f, actor=None).pk == link.pk
    with pytest.raises(ConflictError):
        ss.supervision_finding_link(supervision=other, finding=f, actor=None)


def test_item_inspection_findings(db):
    group, towns = group_with_towns(1)
    legal = DepartmentFactory(division=group.division, name="法制办")
    inspection = ss.inspection_create(group=group, subject="委托执法持证上岗检查", inspected_on=D(2026, 4, 8),
                                      participants=[legal], actor=None)
    f = ss.inspection_finding_add(inspection=inspection, town=towns[0], category=FindingCategory.EXERCISE,
                                  severity=Severity.SERIOUS, description="2名执法人员未持证", rule_breached="持证上岗",
                                  found_on=D(2026, 4, 8), rectify_months=2, actor=None)
    assert f.occasion == FindingOccasion.ITEM_INSPECTION and f.source.inspection_id == inspection.pk
    assert list(inspection.participants.all()) == [legal]
    with pytest.raises(ApplicationError):
        ss.inspection_finding_add(inspection=inspection, town=towns[0], category="exercise", severity="general",
                                  description="x", rule_breached="y", found_on=D(2026, 4, 1), rectify_months=1,
                                  actor=None)


def test_finance_findings_taken_once(db, monkeypatch):
    from finance import selectors as finance_selectors

    group, towns = group_with_towns(2)
    rows = [finance_selectors.OpenFinding(9001, towns[0].pk, towns[0].name, 2026, 1, D(2026, 4, 2), "major",
                                          "乡镇财政专户资金未按月对账", "专户管理", "/finance/inspections/1/"),
            finance_selectors.OpenFinding(9002, towns[1].pk, towns[1].name, 2026, 1, D(2026, 4, 3), "minor",
                                          "票据登记不全", "", "/finance/inspections/2/")]
    asked = []

    def fake_open(*, town_ids=None, **kw):
        asked.append(sorted(town_ids))
        return [r for r in rows if r.town_id in town_ids]

    monkeypatch.setattr(finance_selectors, "inspection_findings_open", fake_open)
    made = ss.finance_findings_take(group=group)
    assert [(f.town_id, f.severity, f.category, f.occasion, f.rule_breached) for f in made] == [
        (towns[0].pk, Severity.SERIOUS, FindingCategory.FUNDS, FindingOccasion.FINANCE_INSPECTION, "专户管理"),
        (towns[1].pk, Severity.GENERAL, FindingCategory.FUNDS, FindingOccasion.FINANCE_INSPECTION, "财政季度检查")]
    assert made[0].due_on == D(2026, 7, 2)
    assert ss.finance_findings_take(group=group) == []  # the second run takes nothing again
    assert asked == [sorted(t.pk for t in towns)] * 2
    assert set(FindingSource.objects.filter(finance_finding_id__isnull=False).values_list(
        "finance_finding_id", flat=True)) == {9001, 9002}


def test_finance_findings_from_the_real_selector(db):
    """Through finance's own selector (no stub): its open findings of the steered towns."""
    from finance import selectors as finance_selectors

    group, towns = group_with_towns(1)
    expected = finance_selectors.inspection_findings_open(town_ids=[towns[0].pk])
    assert len(ss.finance_findings_take(group=group)) == len(expected)


def test_report_versions_one_per_request_done_once(db, django_capture_on_commit_callbacks):
    group, towns = group_with_towns(1)
    s, _ = ss.supervision_open(group=group, year=2026, half=1, opened_on=D(2026, 6, 20))
    add_finding(s, towns[0])
    report = ss.report_request(supervision=s, actor=None, as_of=D(2026, 6, 30), enqueue=False)
    assert (report.version, report.state) == (1, ReportState.PENDING)
    with pytest.raises(ConflictError):  # one at a time
        ss.report_request(supervision=s, actor=None, enqueue=False)
    # ... unless the pending one is stale (its job lost): it is marked failed, the next number starts.
    SupervisionReport.objects.filter(pk=report.pk).update(created_at=report.created_at - ss.REPORT_STALE_AFTER)
    lost = ss.report_request(supervision=s, actor=None, as_of=D(2026, 6, 30), enqueue=False)
    report.refresh_from_db()
    assert (report.state, lost.version) == (ReportState.FAILED, 2)
    report = lost
    # The job delivered twice: the second finds it done, no second version, no second file.
    tasks_supervision.generate_supervision_report_task.apply(args=[report.pk]).get()
    report.refresh_from_db()
    name = report.pdf.name
    tasks_supervision.generate_supervision_report_task.apply(args=[report.pk]).get()
    report.refresh_from_db()
    assert (report.state, report.attempts, report.pdf.name) == (ReportState.DONE, 1, name)
    assert report.pages >= 1 and report.figures["towns"][0]["name"] == towns[0].name
    assert SupervisionReport.objects.filter(supervision=s, state=ReportState.DONE).count() == 1
    s.refresh_from_db()
    assert s.state == SupervisionState.REPORTED
    # A revised version is a new request: version 2, enqueued after commit (eager here).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = ss.report_request(supervision=s, actor=None, as_of=D(2026, 7, 5))
    assert callbacks  # the job is enqueued after commit, not before
    second.refresh_from_db()
    assert (second.version, second.state) == (3, ReportState.DONE)
    ss.supervision_close(supervision=s, on=D(2026, 7, 10), actor=None)
    with pytest.raises(ConflictError):
        ss.report_request(supervision=s, actor=None, enqueue=False)


def test_report_text_has_towns_findings_and_figures(db):
    group, towns = group_with_towns(2)
    s, _ = ss.supervision_open(group=group, year=2026, half=1, opened_on=D(2026, 6, 20))
    audit = DepartmentFactory(division=group.division, name="审计局")
    ss.participant_add(supervision=s, department=audit, role="audit", actor=None)
    add_finding(s, towns[0], description="3件许可决定未按期备案", found_on=D(2026, 2, 10))  # due 3-10: overdue
    add_finding(s, towns[1], description="以奖代补资金缺少考核依据", category=FindingCategory.FUNDS,
                severity=Severity.GRAVE, rule_breached="财政管理办法", found_on=D(2026, 6, 1), months=3)
    inspection = ss.inspection_create(group=group, subject="便民服务中心检查", inspected_on=D(2026, 5, 6), actor=None)
    ss.inspection_finding_add(inspection=inspection, town=towns[1], category=FindingCategory.EXERCISE,
                              severity=Severity.GENERAL, description="窗口未公示办理时限", rule_breached="政务公开规定",
                              found_on=D(2026, 5, 6), rectify_months=1, actor=None)
    report = ss.report_request(supervision=s, actor=None, as_of=D(2026, 6, 30), enqueue=False)
    pdf, figures, pages = reports_supervision.report_build(report=report)
    ss.report_complete(report=report, pdf=pdf, figures=figures, pages=pages)
    text = pdf_text(pdf)
    for expected in [
        "关于2026年上半年扩权强镇试点工作综合督查情况的报告", f"中共{group.division.name}委、{group.division.name}人民政府：",
        f"{group.name}办公室会同审计局", towns[0].name, towns[1].name,
        "督查和检查共发现问题3个", f"（1）{towns[0].name}（1个）", f"（2）{towns[1].name}（2个）",
        "3件许可决定未按期备案（半年综合督查；备案不及时；一般；违反审批后1个月内备案；整改期限2026-03-10；待整改，已逾期）",
        "以奖代补资金缺少考核依据（半年综合督查；资金管理；严重", "窗口未公示办理时限（有关事项检查；行权不规范；一般",
        "待整改3个，其中逾期未整改2个", "特此报告。", "2026年6月30日",
        "本半年应返还试点镇0.00元", "试点镇核定编制0名",
    ]:
        assert expected in text, expected
    assert [t["id"] for t in figures["towns"]] == [t.pk for t in sorted(towns, key=lambda t: t.code)]
    assert figures["towns"][0]["findings"]["overdue"] == 1
    assert Decimal(figures["towns"][0]["finance"]["owed"]) == Decimal("0.00")


def test_supervision_for_period_and_findings_summary(db, personas):
    from regions.models import Division

    county, linxi = Division.objects.get(code="341824"), Division.objects.get(code="341824101")
    group = leading_group(county, towns=[linxi])
    first, _ = ss.supervision_open(group=group, year=2026, half=1)
    second, _ = ss.supervision_open(group=group, year=2026, half=2)
    add_finding(first, linxi, found_on=D(2026, 2, 10))  # overdue by 2026-06-30
    add_finding(first, linxi, severity=Severity.GRAVE, category=FindingCategory.FUNDS, found_on=D(2026, 6, 1), months=3)
    rows = selectors_supervision.supervision_for_period(user=personas["auditor"], start=D(2026, 3, 1),
                                                        end=D(2026, 6, 30))
    assert [s.pk for s in rows] == [first.pk]
    assert len(rows[0].findings) == 2 and rows[0].latest_report is None
    assert [s.pk for s in selectors_supervision.supervision_for_period(
        user=personas["auditor"], start=D(2026, 1, 1), end=D(2026, 12, 31))] == [second.pk, first.pk]
    assert selectors_supervision.supervision_for_period(user=personas["clerk_other"], start=D(2026, 1, 1),
                                                        end=D(2026, 12, 31)) == []
    (town,) = selectors_supervision.findings_summary(
        findings=selectors_supervision.supervision_findings(supervision=first), today=D(2026, 6, 30))
    assert (town.town, town.total, town.overdue) == ("临溪镇", 2, 1)
    assert town.by_severity == {"general": 1, "grave": 1} and town.by_state == {"open": 2}


def test_finding_page_refuses_a_town_the_group_does_not_steer(db, personas, client_for):
    from django.urls import reverse

    from regions.models import Division

    county = Division.objects.get(code="341824")
    linxi, other = Division.objects.get(code="341824101"), Division.objects.get(code="341824100")
    group = leading_group(county, towns=[linxi])
    s, _ = ss.supervision_open(group=group, year=2026, half=1)
    client = client_for(personas["office"])
    body = {"town": other.pk, "category": "filing", "severity": "general", "description": "未按期备案",
            "rule_breached": "审批后1个月内备案", "found_on": "2026-02-10", "rectify_months": "1"}
    response = client.post(reverse("oversight:supervision-finding", args=[s.pk]), body, follow=True)
    assert response.status_code == 200 and FindingSource.objects.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"], [str(m) for m in response.context["messages"]]
    response = client.post(reverse("oversight:supervision-finding", args=[s.pk]), {**body, "town": linxi.pk})
    assert response.status_code == 302 and FindingSource.objects.filter(supervision=s).count() == 1
    page = client.get(reverse("oversight:supervision-detail", args=[s.pk])).content.decode()
    assert "未按期备案" in page and 'data-testid="nav-supervision"' in page
    # the auditor reads the page, without the office's forms, and may not write (403)
    auditor = client_for(personas["auditor"])
    assert 'data-testid="finding-form"' not in auditor.get(reverse("oversight:supervision-detail", args=[s.pk])).content.decode()
    assert auditor.post(reverse("oversight:supervision-finding", args=[s.pk]), body).status_code == 403

"""The yearly appraisal (issue 14 §5) worked through with exact figures: the four computed measures
read from delegation, finance and oversight for 上庄镇's 2025 (9 of 10 records filed on time,
3 of 4 items taken over, 2 of 3 growth targets met, 1 of 2 findings closed out), one hand score,
the weighted total and the grade; the weights must sum to 100 (a Chinese refusal, nothing
written); a finalised appraisal cannot change; the use of the result; the pages and the PDF."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import ApplicationError, ConflictError
from oversight import selectors_appraisal, services, services_appraisal
from oversight.models import Appraisal, AppraisalScore, AppraisalState, AppraisalUse, IndicatorSet
from oversight.models.appraisal import round2
from regions.models import Division

from .factories import finding
from .test_matrix_api import group_of

D = datetime.date
SHANGZHUANG, LINXI = "341824103", "341824101"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

WORKED = [
    {"name": "按时备案", "weight": "30", "measure": "filing_on_time"},
    {"name": "事项承接", "weight": "20", "measure": "takeover_rate"},
    {"name": "发展目标", "weight": "20", "measure": "targets_met"},
    {"name": "整改销号", "weight": "15", "measure": "rectifications_closed"},
    {"name": "便民服务", "weight": "15", "measure": "", "rule": "现场检查"},
]


@pytest.fixture
def town_2025(personas):
    """上庄镇 made a pilot town with what its 2025 appraisal reads from every app."""
    from delegation import services as delegation_services
    from delegation.choices import ItemStatus, Mode, Outcome, TakeOverStatus
    from delegation.demo import load_demo_delegation
    Assignment, ExerciseRecord, Item = (apps.get_model("delegation", n) for n in ("Assignment", "ExerciseRecord", "Item"))
    from finance.services.targets import year_figure_enter
    from regions import services as region_services

    load_demo_delegation()
    town = Division.objects.get(code=SHANGZHUANG)
    region_services.pilot_designate(division=town, kind="town", batch="县试点", designated_on=D(2024, 1, 5),
                                    designated_by="绩溪县人民政府")
    items = list(Item.objects.filter(status=ItemStatus.IN_FORCE, spans_several_towns=False).order_by("code")[:4])
    assignments = [delegation_services.assignment_create(item=i, division=town, mode=Mode.DEVOLVE) for i in items]
    Assignment.objects.filter(pk__in=[a.pk for a in assignments[:3]]).update(
        takeover_status=TakeOverStatus.TAKEN_OVER, taken_over_on=D(2024, 3, 1))
    records = []
    for i in range(10):  # decided in 2025: nine filed on time, one left unfiled past its due date
        decided = D(2025, 3 + i % 8, 10)
        due = decided + datetime.timedelta(days=30)
        records.append(ExerciseRecord(division=town, item=items[0], applicant=f"上庄申请人{i}", received_on=decided,
                                      decided_on=decided, outcome=Outcome.APPROVED, decision_number=f"上庄〔2025〕{i}号",
                                      filing_due_on=due, filed_on=None if i == 9 else due - datetime.timedelta(days=3),
                                      filing_receipt_number="" if i == 9 else f"回执{i}"))
    ExerciseRecord.objects.bulk_create(records)
    # growth 2025 over 2024: revenue +30 % (target 25: met), output +20 % (25: not met), infrastructure +25 % (20: met)
    for indicator, before, after in (("fiscal_revenue", "1000000.00", "1300000.00"),
                                     ("industrial_output", "5000000.00", "6000000.00"),
                                     ("infrastructure_investment", "2000000.00", "2500000.00")):
        year_figure_enter(town=town, year=2024, indicator=indicator, amount=before, source="统计年报")
        year_figure_enter(town=town, year=2025, indicator=indicator, amount=after, source="统计年报")
    group = group_of(town)
    closed = finding(group, town, found_on=D(2025, 4, 1))
    services.finding_reply(finding=closed, text="已整改", submitted_on=D(2025, 4, 20), actor=None,
                           evidence=[SimpleUploadedFile("整改.pdf", PDF, content_type="application/pdf")])
    services.finding_accept(finding=closed, on=D(2025, 4, 25), actor=None)
    services.finding_close(finding=closed, on=D(2025, 4, 28), actor=None)
    finding(group, town, found_on=D(2025, 9, 1))  # still open
    finding(group, town, found_on=D(2024, 9, 1))  # another year's: not counted
    return {**personas, "town": town, "group": group}


def _set(group, year=2025, indicators=WORKED, actor=None):
    return services_appraisal.indicator_set_create(group=group, year=year, name=f"{year}年度考核办法",
                                                   indicators=indicators, actor=actor)


def test_worked_example_weights_times_scores_give_total_and_grade(town_2025):
    office = town_2025["office"]
    indicator_set = _set(town_2025["group"], actor=office)
    a = services_appraisal.appraisal_start(indicator_set=indicator_set, town=town_2025["town"], actor=office,
                                           today=D(2026, 1, 10))
    scores = {s.indicator.name: s for s in AppraisalScore.objects.filter(appraisal=a).select_related("indicator")}
    assert scores["按时备案"].score == Decimal("90.00")
    assert scores["按时备案"].trace["numerator"] == 9 and scores["按时备案"].trace["on_time"] == 9
    assert (scores["按时备案"].trace["denominator"], scores["按时备案"].trace["overdue"]) == (10, 1)
    assert scores["事项承接"].score == Decimal("75.00")
    assert scores["事项承接"].trace["assigned"] == 4 and scores["事项承接"].trace["taken_over"] == 3
    assert scores["发展目标"].score == Decimal("66.67")
    assert [i["met"] for i in scores["发展目标"].trace["indicators"]] == [True, False, True]
    assert scores["整改销号"].score == Decimal("50.00")
    assert (scores["整改销号"].trace["closed"], scores["整改销号"].trace["found"]) == (1, 2)
    assert scores["便民服务"].score is None
    assert a.total is None and a.grade == ""  # one indicator still to score

    a = services_appraisal.appraisal_score(appraisal=a, indicator=scores["便民服务"].indicator, score="80",
                                           reason="现场检查：窗口公示齐全", actor=office)
    # 30×90 + 20×75 + 20×66.67 + 15×50 + 15×80 = 7483.40 → ÷100 = 74.834 → 74.83: 合格 (60 ≤ 74.83 < 80)
    assert a.total == Decimal("74.83") and a.grade == "pass"
    hand = AppraisalScore.objects.get(appraisal=a, indicator=scores["便民服务"].indicator)
    assert hand.by_hand and hand.scored_by == office and hand.reason == "现场检查：窗口公示齐全"

    # a hand score in place of a computed one (with its reason) keeps the computed one beside it
    a = services_appraisal.appraisal_score(appraisal=a, indicator=scores["发展目标"].indicator, score="100",
                                           reason="工业产值受政策性停产影响，经领导小组研究按完成计", actor=office)
    assert a.total == Decimal("81.50") and a.grade == "good"  # 74.834 + 20 × 33.33 / 100
    services_appraisal.appraisal_compute(appraisal=a, actor=office, today=D(2026, 1, 11))
    kept = AppraisalScore.objects.get(appraisal=a, indicator=scores["发展目标"].indicator)
    assert kept.score == Decimal("100.00") and kept.computed_score == Decimal("66.67")


def test_the_page_and_the_api_show_how_each_computed_score_came_about(town_2025, client_for):
    """The worked example's four computed scores, each with its inputs, on the appraisal's page
    (the trace line and the figure it gives) and in the API (the trace itself)."""
    from rest_framework.test import APIClient

    office = town_2025["office"]
    a = services_appraisal.appraisal_start(indicator_set=_set(town_2025["group"], actor=office),
                                           town=town_2025["town"], actor=office, today=D(2026, 1, 10))
    html = client_for(office).get(reverse("oversight:appraisal-detail", args=[a.pk])).content.decode()
    traces = [line.split("</div>")[0] for line in html.split('data-testid="score-trace">')[1:]]
    assert traces == [
        "按时备案9件 ÷ 应备案10件（逾期备案0件，逾期未备案1件，截至2025-12-31） = 90.00",
        "已承接3项 ÷ 已交办4项（截至2026-01-10） = 75.00",
        "完成目标2项 ÷ 可评价目标3项 = 66.67",
        "已销号1个 ÷ 本年度发现问题2个（截至2026-01-10） = 50.00",
    ]
    api = APIClient()
    api.force_authenticate(office)
    body = api.get(reverse("oversight-api:appraisal-detail", args=[a.pk])).json()
    by_name = {s["indicator_name"]: s for s in body["scores"]}
    assert by_name["按时备案"]["computed_score"] == "90.00"
    assert by_name["按时备案"]["trace"]["source"] == "delegation.selectors.filing_by_month"
    assert by_name["事项承接"]["trace"]["source"] == "delegation.selectors.takeover_by_town"
    assert by_name["发展目标"]["trace"]["source"] == "finance.selectors.targets_for"
    assert (by_name["整改销号"]["trace"]["numerator"], by_name["整改销号"]["trace"]["denominator"]) == (1, 2)
    assert by_name["便民服务"]["trace"] in ({}, None) and by_name["便民服务"]["score"] is None


def test_grade_thresholds_are_data():
    s = IndicatorSet(excellent_from=Decimal("95"), good_from=Decimal("85"), pass_from=Decimal("70"))
    assert [s.grade_for(Decimal(t)) for t in ("95.00", "94.99", "85", "70", "69.99")] == [
        "excellent", "good", "good", "pass", "fail"]


def test_weights_not_summing_to_100_are_refused_in_chinese(personas):
    group = group_of(Division.objects.get(code=LINXI))
    bad = [{"name": "按时备案", "weight": "30", "measure": "filing_on_time"},
           {"name": "便民服务", "weight": "65", "measure": ""}]
    with pytest.raises(ApplicationError) as err:
        _set(group, indicators=bad, actor=personas["office"])
    assert err.value.code == "weights_not_100" and err.value.message == "各项指标的权重之和应为100，现为95.00。"
    assert not IndicatorSet.objects.filter(group=group).exists()
    twice = [{"name": "甲", "weight": "50", "measure": "takeover_rate"}, {"name": "乙", "weight": "50",
                                                                         "measure": "takeover_rate"}]
    with pytest.raises(ApplicationError, match="同一计算口径只能用于一项指标"):
        _set(group, indicators=twice, actor=personas["office"])
    with pytest.raises(PermissionDenied, match="只有该区划的领导小组办公室"):
        _set(group, actor=personas["clerk_linxi"])


def test_a_finalised_appraisal_cannot_change_and_records_its_use(personas):
    office, linxi = personas["office"], Division.objects.get(code=LINXI)
    indicator_set = _set(group_of(linxi), indicators=[{"name": "综合", "weight": "100", "measure": ""}], actor=office)
    a = services_appraisal.appraisal_start(indicator_set=indicator_set, town=linxi, actor=office, today=D(2026, 1, 5))
    with pytest.raises(ConflictError, match="以下指标尚未评分，不能定档：综合"):
        services_appraisal.appraisal_finalise(appraisal=a, on=D(2026, 1, 20), actor=office)
    with pytest.raises(ConflictError, match="考核定档后才能登记结果运用"):
        services_appraisal.appraisal_use_record(appraisal=a, kind="reward", text="奖励", decided_on=D(2026, 2, 1),
                                                actor=office)
    indicator = indicator_set.indicators.get()
    services_appraisal.appraisal_score(appraisal=a, indicator=indicator, score="91.5", reason="年度总结评分", actor=office)
    a = services_appraisal.appraisal_finalise(appraisal=a, on=D(2026, 1, 20), actor=office, conclusion="成效明显")
    assert (a.state, a.total, a.grade, a.finalised_by) == (AppraisalState.FINALISED, Decimal("91.50"), "excellent", office)
    before = Appraisal.objects.filter(pk=a.pk).values().get()
    for step in (lambda: services_appraisal.appraisal_score(appraisal=a, indicator=indicator, score="60", reason="改分",
                                                            actor=office),
                 lambda: services_appraisal.appraisal_compute(appraisal=a, actor=office),
                 lambda: services_appraisal.appraisal_finalise(appraisal=a, on=D(2026, 1, 21), actor=office)):
        with pytest.raises(ConflictError, match="已于2026-01-20定档，不能再修改"):
            step()
    assert Appraisal.objects.filter(pk=a.pk).values().get() == before
    assert AppraisalScore.objects.get(appraisal=a).score == Decimal("91.50")
    with pytest.raises(ConflictError, match="不能再修改"):
        services_appraisal.indicator_set_update(indicator_set=indicator_set, name="改", indicators=WORKED,
                                                excellent_from=90, good_from=80, pass_from=60, actor=office)
    with pytest.raises(ConflictError, match="临溪镇2025年度的考核已经存在"):
        services_appraisal.appraisal_start(indicator_set=indicator_set, town=linxi, actor=office)
    use = services_appraisal.appraisal_use_record(appraisal=a, kind="cadre", text="作为班子考核依据",
                                                  document_number="绩组〔2026〕8号", decided_on=D(2026, 3, 2),
                                                  actor=office)
    assert AppraisalUse.objects.get(appraisal=a) == use and use.created_by == office
    with pytest.raises(ApplicationError, match="决定日期不能早于定档日期"):
        services_appraisal.appraisal_use_record(appraisal=a, kind="reward", text="奖励", decided_on=D(2026, 1, 1),
                                                actor=office)
    standings = selectors_appraisal.appraisal_standings(user=office, year=2025)
    assert [(s.town, s.total, s.rank, s.grade_label) for s in standings] == [("临溪镇", Decimal("91.50"), 1, "优秀")]
    assert selectors_appraisal.appraisal_standings(user=personas["clerk_other"], year=2025) == []


def test_pages_set_form_refuses_weights_then_start_score_finalise_use_and_pdf(personas, client_for):
    office, linxi = client_for(personas["office"]), Division.objects.get(code=LINXI)
    group = group_of(linxi)
    data = {"group": group.pk, "year": "2025", "name": "2025年度考核办法", "excellent_from": "90", "good_from": "80",
            "pass_from": "60", "name_1": "便民服务", "weight_1": "60", "measure_1": "", "name_2": "按时备案",
            "weight_2": "30", "measure_2": "filing_on_time"}
    r = office.post(reverse("oversight:indicator-set-create"), data)
    assert r.status_code == 200 and "各项指标的权重之和应为100，现为90.00。" in r.content.decode()
    assert not IndicatorSet.objects.exists()
    r = office.post(reverse("oversight:indicator-set-create"), {**data, "weight_2": "40"})
    indicator_set = IndicatorSet.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("oversight:indicator-set-detail", args=[indicator_set.pk])
    html = office.get(r["Location"]).content.decode()
    assert 'data-testid="weight-total">100.00<' in html and "按时备案率" in html
    r = office.post(reverse("oversight:appraisal-create"), {"indicator_set": indicator_set.pk, "town": linxi.pk})
    a = Appraisal.objects.get()
    assert r.status_code == 302 and a.town == linxi
    detail = reverse("oversight:appraisal-detail", args=[a.pk])
    clerk = client_for(personas["clerk_linxi"])
    html = clerk.get(detail).content.decode()
    assert "score-form" not in html  # the town's clerk reads her appraisal, takes no step
    assert clerk.post(reverse("oversight:appraisal-finalise", args=[a.pk]), {"on": "2026-01-20"}).status_code == 403
    assert client_for(personas["clerk_other"]).get(detail).status_code == 404
    for indicator in indicator_set.indicators.order_by("position"):
        office.post(reverse("oversight:appraisal-score", args=[a.pk]),
                    {"indicator": indicator.pk, "score": "85" if indicator.position == 1 else "70", "reason": "评分"})
    r = office.post(reverse("oversight:appraisal-score", args=[a.pk]),
                    {"indicator": indicator_set.indicators.first().pk, "score": "85", "reason": ""})
    a.refresh_from_db()
    assert a.total == Decimal("79.00") and a.grade == "pass"  # 60×85 + 40×70 = 7900 → 79.00
    office.post(reverse("oversight:appraisal-finalise", args=[a.pk]), {"on": "2026-01-20", "conclusion": "合格"})
    office.post(reverse("oversight:appraisal-use", args=[a.pk]),
                {"kind": "reward", "text": "给予以奖代补资金奖励", "document_number": "绩政〔2026〕12号",
                 "decided_on": "2026-02-06"})
    r = office.post(reverse("oversight:appraisal-score", args=[a.pk]),
                    {"indicator": indicator_set.indicators.first().pk, "score": "100", "reason": "改分"}, follow=True)
    assert "当前状态为已定档" in r.content.decode()
    a.refresh_from_db()
    assert a.state == "finalised" and a.total == Decimal("79.00") and a.uses.count() == 1
    html = clerk.get(detail).content.decode()
    assert 'data-testid="appraisal-total">79.00<' in html and "给予以奖代补资金奖励" in html
    pdf = clerk.get(reverse("oversight:appraisal-pdf", args=[a.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client_for(personas["clerk_other"]).get(reverse("oversight:appraisal-pdf", args=[a.pk])).status_code == 404


def test_api_refuses_weights_with_structured_json_and_a_finalised_appraisal_with_409(personas):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas["office"])
    linxi = Division.objects.get(code=LINXI)
    group = group_of(linxi)
    body = {"group": group.pk, "year": 2025, "name": "接口考核办法",
            "indicators": [{"name": "综合", "weight": "60"}, {"name": "备案", "weight": "30", "measure": "filing_on_time"}]}
    r = api.post(reverse("oversight-api:indicator-set-list"), body, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "weights_not_100", r.content
    assert "各项指标的权重之和应为100，现为90.00。" in r.json()["error"]["message"]
    assert not IndicatorSet.objects.exists()
    body["indicators"][0]["weight"] = "70"
    r = api.post(reverse("oversight-api:indicator-set-list"), body, format="json")
    assert r.status_code == 201 and [i["weight"] for i in r.json()["indicator_list"]] == ["70.00", "30.00"]
    r = api.post(reverse("oversight-api:appraisal-list"), {"indicator_set": r.json()["id"], "town": linxi.pk},
                 format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    indicators = {s["indicator_name"]: s["indicator"] for s in r.json()["scores"]}
    for name, score in (("综合", "80"), ("备案", "100")):
        r = api.post(reverse("oversight-api:appraisal-score", args=[pk]),
                     {"indicator": indicators[name], "score": score, "reason": "评分"}, format="json")
        assert r.status_code == 200, r.content
    assert r.json()["total"] == "86.00" and r.json()["grade"] == "good"  # 70×80 + 30×100 = 8600
    r = api.post(reverse("oversight-api:appraisal-finalise", args=[pk]), {"on": "2026-01-20"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "finalised"
    r = api.post(reverse("oversight-api:appraisal-score", args=[pk]),
                 {"indicator": indicators["综合"], "score": "10", "reason": "改分"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "appraisal_finalised"
    clerk = APIClient()
    clerk.force_authenticate(personas["clerk_linxi"])
    assert clerk.get(reverse("oversight-api:appraisal-detail", args=[pk])).json()["total"] == "86.00"
    assert clerk.post(reverse("oversight-api:appraisal-compute", args=[pk]), {}, format="json").status_code == 403


def test_the_demo_holds_last_years_finalised_appraisal_of_linxi_with_its_uses(demo, personas):
    from django.utils import timezone

    from oversight.demo import load_demo_oversight

    assert load_demo_oversight() is True
    year = timezone.localdate().year - 1
    a = Appraisal.objects.get(town__code=LINXI, year=year)
    assert a.state == AppraisalState.FINALISED and a.total is not None and a.grade
    scores = list(a.scores.select_related("indicator"))
    assert len(scores) == 6 and all(s.score is not None for s in scores)
    assert sum(s.indicator.weight for s in scores) == 100
    assert a.total == round2(sum(s.indicator.weight * s.score for s in scores) / 100)
    assert sorted(a.uses.values_list("kind", flat=True)) == ["cadre", "reward"]
    assert all(s.reason for s in scores if s.by_hand)
    assert selectors_appraisal.appraisal_standings(user=personas["office"])[0].town == "临溪镇"

"""Findings → rectification → close-out: each step one service, refused from the wrong state with
a clear message, attributed, nothing deleted; evidence files checked by content."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from core.errors import ApplicationError, ConflictError
from core.history import history_for
from oversight import services
from oversight.choices import FindingState, ReplyDecision
from oversight.models import Finding, FindingReply
from regions.models import Membership

from .factories import finding, group_with_towns

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def setup(db, django_user_model):
    group, towns = group_with_towns(2)
    office = django_user_model.objects.create_user("office_o", password="x-long-password")
    Membership.objects.create(user=office, division=group.division, role="office")
    clerk = django_user_model.objects.create_user("clerk_o", password="x-long-password")
    Membership.objects.create(user=clerk, division=towns[0], role="clerk")
    other = django_user_model.objects.create_user("clerk_o2", password="x-long-password")
    Membership.objects.create(user=other, division=towns[1], role="clerk")
    return {"group": group, "towns": towns, "office": office, "clerk": clerk, "other": other}


def test_deadline_counted_by_core_deadlines(setup):
    # 31 January + 1 month → 28 February 2026: a Saturday, but a make-up working day (调休上班) of the
    # Spring Festival, so it stays; 31 July + 1 month → 31 August 2025, a Sunday → Monday 1 September
    f = finding(setup["group"], setup["towns"][0], found_on=D(2026, 1, 31), actor=setup["office"])
    assert f.due_on == D(2026, 2, 28) and not f.due_provisional and f.state == FindingState.OPEN
    assert finding(setup["group"], setup["towns"][0], found_on=D(2025, 7, 31), actor=setup["office"]).due_on == D(2025, 9, 1)
    assert f.created_by == setup["office"]


def test_full_cycle_with_return(setup):
    s = setup
    f = finding(s["group"], s["towns"][0], actor=s["office"])
    reply = services.finding_reply(finding=f, text="已补报备案", submitted_on=D(2026, 1, 20), evidence=[pdf()],
                                   actor=s["clerk"])
    assert Finding.objects.get(pk=f.pk).state == FindingState.REPLIED and reply.evidence.count() == 1
    f = services.finding_return(finding=f, on=D(2026, 1, 22), reason="缺少备案回执", actor=s["office"])
    assert f.state == FindingState.RETURNED
    assert FindingReply.objects.get(pk=reply.pk).return_reason == "缺少备案回执"
    services.finding_reply(finding=f, text="补充回执", submitted_on=D(2026, 1, 25), evidence=[pdf("回执.pdf")],
                           actor=s["clerk"])
    f = services.finding_accept(finding=f, on=D(2026, 1, 26), actor=s["office"])
    assert f.state == FindingState.ACCEPTED and f.accepted_on == D(2026, 1, 26)
    f = services.finding_close(finding=f, on=D(2026, 1, 27), actor=s["office"])
    assert f.state == FindingState.CLOSED and f.closed_on == D(2026, 1, 27)
    decisions = list(FindingReply.objects.filter(finding=f).order_by("id").values_list("decision", flat=True))
    assert decisions == [ReplyDecision.RETURNED, ReplyDecision.ACCEPTED]
    # every step attributed in the history
    users = {(e["label"], (e["data"] or {}).get("state")): e["user"] for e in history_for(f)}
    assert users[("update", "closed")] == "office_o" and users[("update", "replied")] == "clerk_o"


def test_wrong_state_refusals_say_why(setup):
    s = setup
    f = finding(s["group"], s["towns"][0], actor=s["office"])
    with pytest.raises(ConflictError) as e:
        services.finding_close(finding=f, on=D(2026, 2, 1), actor=s["office"])
    assert e.value.message == "该问题当前为“待整改”，只有“整改通过”的问题才能销号。"
    with pytest.raises(ConflictError) as e:
        services.finding_accept(finding=f, on=D(2026, 2, 1), actor=s["office"])
    assert e.value.message == "该问题当前为“待整改”，只有“已报整改情况”的问题才能审核通过。"
    services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 1, 20), evidence=[pdf()], actor=s["clerk"])
    with pytest.raises(ConflictError) as e:
        services.finding_reply(finding=f, text="再报", submitted_on=D(2026, 1, 21), evidence=[pdf()], actor=s["clerk"])
    assert e.value.message == "该问题当前为“已报整改情况”，只有“待整改、退回重新整改”的问题才能报送整改情况。"
    with pytest.raises(ApplicationError) as e:
        services.finding_return(finding=f, on=D(2026, 1, 22), reason="  ", actor=s["office"])
    assert e.value.code == "reason_required"
    assert Finding.objects.get(pk=f.pk).state == FindingState.REPLIED


def test_reply_needs_text_and_checked_evidence(setup):
    s = setup
    f = finding(s["group"], s["towns"][0], actor=s["office"])
    with pytest.raises(ApplicationError) as e:
        services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 1, 20), evidence=[], actor=s["clerk"])
    assert e.value.message == "请上传整改佐证材料（至少一份）。"
    fake = SimpleUploadedFile("evil.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as e:
        services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 1, 20), evidence=[fake], actor=s["clerk"])
    assert "文件内容不是允许的类型" in str(e.value)
    assert not FindingReply.objects.filter(finding=f).exists()  # all or nothing


def test_who_may_do_what(setup):
    s = setup
    with pytest.raises(PermissionDenied):
        finding(s["group"], s["towns"][0], actor=s["clerk"])  # a clerk does not record findings
    f = finding(s["group"], s["towns"][0], actor=s["office"])
    with pytest.raises(PermissionDenied) as e:  # the clerk of another town
        services.finding_reply(finding=f, text="x", submitted_on=D(2026, 1, 20), evidence=[pdf()], actor=s["other"])
    assert "只有" in str(e.value) and "经办人才能报送整改情况" in str(e.value)
    with pytest.raises(PermissionDenied):  # the office over the town does not file the town's report
        services.finding_reply(finding=f, text="x", submitted_on=D(2026, 1, 20), evidence=[pdf()], actor=s["office"])
    assert not FindingReply.objects.filter(finding=f).exists()
    services.finding_reply(finding=f, text="已整改", submitted_on=D(2026, 1, 20), evidence=[pdf()], actor=s["clerk"])
    with pytest.raises(PermissionDenied):  # the town does not accept its own rectification
        services.finding_accept(finding=f, on=D(2026, 1, 21), actor=s["clerk"])


def test_findings_are_never_deleted(setup):
    f = finding(setup["group"], setup["towns"][0], actor=setup["office"])
    with pytest.raises(ProgrammingError, match="protect_deletes"), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM oversight_finding WHERE id = %s", [f.pk])


def test_provisional_deadline_recomputed_when_the_year_is_entered(setup):
    from core.services import calendar_year_set_manual

    s = setup
    # 15 December 2026 + one month = Friday 15 January 2027; 2027's holidays are not entered.
    f = finding(s["group"], s["towns"][0], found_on=D(2026, 12, 15), actor=s["office"])
    assert (f.due_on, f.due_provisional) == (D(2027, 1, 15), True)
    meeting = services.meeting_create_ad_hoc(group=s["group"], held_on=D(2026, 12, 16), title="专题协调会",
                                             actor=s["office"])
    action = services.action_item_add(meeting=meeting, text="督促整改", owner_unit="县发改委", within_days=30,
                                      actor=s["office"])
    assert (action.due_on, action.due_provisional) == (D(2027, 1, 15), True)
    # The notice for 2027 makes 15 January a holiday: both move to Monday 18 January, no longer 暂定.
    calendar_year_set_manual(year=2027, days=[(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 1, 15), "holiday", "测试")],
                             notice="国办发明电〔2026〕1号", actor=s["office"])
    f.refresh_from_db()
    action.refresh_from_db()
    assert (f.due_on, f.due_provisional) == (D(2027, 1, 18), False)
    assert (action.due_on, action.due_provisional) == (D(2027, 1, 18), False)

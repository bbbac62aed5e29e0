"""The minutes (会议纪要) of a held meeting as a GB/T 9704 PDF: its text says when, where, who
attended and who was excused, the agenda, the minutes, the decisions and the action items with
their owners and deadlines."""

from __future__ import annotations

import datetime
import subprocess

from oversight import reports, services
from oversight.choices import MemberRole

from .factories import finding, group_with_towns

D = datetime.date


def test_minutes_pdf_text(db):
    group, towns = group_with_towns(1)
    deputy = services.member_add(group=group, name="李副组长", post="常务副县长", role=MemberRole.DEPUTY)
    leader = group.members.get(role=MemberRole.LEADER)
    finding(group, towns[0], found_on=D(2026, 1, 5))
    meeting = services.monthly_meeting_prepare(group=group, month=D(2026, 5, 1), today=D(2026, 5, 6))
    meeting = services.meeting_record(meeting=meeting, held_on=D(2026, 5, 8), venue="县政府三楼会议室",
                                      minutes="会议听取了试点镇工作汇报。\n会议研究了督查问题整改。", actor=None)
    services.attendance_record(meeting=meeting, member=leader, present=True, actor=None)
    services.attendance_record(meeting=meeting, member=deputy, present=False, substitute="王秘书", actor=None)
    decision = services.decision_add(meeting=meeting, text="各镇本月底前完成督查问题整改", actor=None)
    services.action_item_add(meeting=meeting, decision=decision, text="督促完成整改", owner=leader,
                             owner_unit="县发改委", within_days=30, actor=None)
    pdf = reports.minutes_pdf(meeting=meeting)
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    for expected in ["月度工作调度会纪要", "2026年5月8日", "县政府三楼会议室", "出席：王组长（县长）", "请假：李副组长（王秘书代）",
                     "会议议题", "整改逾期：共1项", "会议听取了试点镇工作汇报。", "会议议定事项", "（1）各镇本月底前完成督查问题整改",
                     "督促完成整改，责任单位县发改委（王组长），2026年6月8日前完成", f"{group.name}办公室"]:
        assert expected in flat, expected

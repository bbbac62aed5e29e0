"""Demo data of oversight for 绩溪县 (issue 14 §9), written through the services: the county's
leading group with its office (in 发改委) and coordination group, their members, 临溪镇 steered;
the dispatch meetings of the two months before this one with their agenda (compiled from what
the other apps' demos hold), attendance, minutes, decisions and action items; supervision
findings in 临溪镇 in every state of the rectification. Idempotent: a second call finds the
group and does nothing. Runs after the other apps' demos (core's run_stack order)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.deadlines import add_days
from regions.models import Department, Division

from . import demo_appraisal, demo_supervision, services
from .choices import FindingCategory, FindingOccasion, GroupKind, MemberRole, Severity
from .models import LeadingGroup

COUNTY, LINXI = "341824", "341824101"
GROUP_NAME = "绩溪县扩权强镇试点工作领导小组"
DAY = datetime.timedelta(days=1)

# A one-page PDF (the evidence scans of the demo replies).
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

MEMBERS = [
    ("胡建国", "县委副书记、县长", None, MemberRole.LEADER),
    ("汪立新", "县委常委、常务副县长", None, MemberRole.DEPUTY),
    ("程晓东", "县发改委主任", "FGW", MemberRole.MEMBER),
    ("章红梅", "县财政局局长", "CZJ", MemberRole.MEMBER),
    ("邵永强", "县国土局局长", "GTJ", MemberRole.MEMBER),
    ("方志明", "县编办主任", "BB", MemberRole.MEMBER),
    ("许文静", "县法制办主任", "FZB", MemberRole.MEMBER),
    ("葛卫东", "县审计局局长", "SJJ", MemberRole.MEMBER),
]


def _evidence(name: str) -> ContentFile:
    return ContentFile(EVIDENCE_PDF, name=name)


def _month_before(day: datetime.date, n: int) -> datetime.date:
    months = day.year * 12 + day.month - 1 - n
    return datetime.date(months // 12, months % 12 + 1, 1)


@transaction.atomic
def load_demo_oversight() -> bool:
    county = Division.objects.filter(code=COUNTY).first()
    linxi = Division.objects.filter(code=LINXI).first()
    if county is None or linxi is None or LeadingGroup.objects.filter(division=county, name=GROUP_NAME).exists():
        return False
    office = get_user_model().objects.filter(username="office").first()
    clerk = get_user_model().objects.filter(username="clerk_linxi").first()
    depts = {d.code.split("-")[-1]: d for d in Department.objects.filter(division=county)}
    today = timezone.localdate()

    group = services.group_create(division=county, kind=GroupKind.LEADING, name=GROUP_NAME,
                                  set_up_on=datetime.date(2009, 10, 20), document_number="绩政办〔2009〕86号",
                                  actor=office)
    services.group_create(division=county, kind=GroupKind.OFFICE, name="绩溪县扩权强镇试点工作领导小组办公室",
                          parent=group, host_department=depts.get("FGW"), set_up_on=datetime.date(2009, 10, 20),
                          document_number="绩政办〔2009〕86号", actor=office)
    services.group_create(division=county, kind=GroupKind.COORDINATION, name="绩溪县扩权强镇试点工作协调小组",
                          parent=group, set_up_on=datetime.date(2009, 11, 5), actor=office)
    members = [services.member_add(group=group, name=n, post=p, department=depts.get(d) if d else None, role=r,
                                   actor=office) for n, p, d, r in MEMBERS]
    services.member_add(group=group, name="程晓东", post="县发改委主任（兼）", department=depts.get("FGW"),
                        role=MemberRole.DIRECTOR, actor=office)
    services.town_steer(group=group, town=linxi, actor=office)

    # Findings of the last half-year's supervision, one in each state of the rectification.
    def found(description, rule, category, severity, days_ago, months):
        return services.finding_create(group=group, town=linxi, occasion=FindingOccasion.SUPERVISION,
                                       category=category, severity=severity, description=description,
                                       rule_breached=rule, found_on=today - days_ago * DAY, rectify_months=months,
                                       actor=office)

    closed = found("3件准予许可决定未在1个月内报县住建局备案", "《临溪镇扩权强镇试点实施方案》：审批、许可后1个月内报相关部门备案",
                   FindingCategory.FILING, Severity.GENERAL, 150, 1)
    services.finding_reply(finding=closed, text="已补报备案，并建立备案台账。", submitted_on=today - 125 * DAY,
                           evidence=[_evidence("备案回执.pdf")], actor=clerk)
    services.finding_accept(finding=closed, on=today - 120 * DAY, actor=office)
    services.finding_close(finding=closed, on=today - 118 * DAY, actor=office)

    accepted = found("委托执法事项中2名执法人员未持县城管局行政执法证", "委托事项“持证上岗”",
                     FindingCategory.EXERCISE, Severity.SERIOUS, 100, 2)
    services.finding_reply(finding=accepted, text="2名人员已参加培训并取得执法证，期间未独立执法。",
                           submitted_on=today - 60 * DAY, evidence=[_evidence("执法证复印件.pdf")], actor=clerk)
    services.finding_accept(finding=accepted, on=today - 55 * DAY, actor=office)

    returned = found("以奖代补资金发放缺少考核依据", "《绩溪县扩权强镇财政管理办法》",
                     FindingCategory.FUNDS, Severity.SERIOUS, 70, 2)
    services.finding_reply(finding=returned, text="已补充考核表。", submitted_on=today - 40 * DAY,
                           evidence=[_evidence("考核表.pdf")], actor=clerk)
    services.finding_return(finding=returned, on=today - 35 * DAY, actor=office,
                            reason="考核表未经镇党委会议研究，请补充会议纪要后重新报送。")

    replied = found("便民服务中心窗口未公示承接事项的办理时限", "政务公开有关规定",
                    FindingCategory.EXERCISE, Severity.GENERAL, 40, 1)
    services.finding_reply(finding=replied, text="已在窗口和网站公示全部承接事项的法定时限和承诺时限。",
                           submitted_on=today - 10 * DAY, evidence=[_evidence("公示照片.pdf")], actor=clerk)

    found("耕地占补平衡台账未按年度更新", "耕地占补平衡管理规定", FindingCategory.LAND, Severity.GENERAL, 25, 1)
    found("派驻站所负责人年度考核未由镇党委提出意见", "派驻机构考核办法", FindingCategory.STAFFING, Severity.GRAVE, 80, 2)

    # The dispatch meetings of the two months before this one.
    fgw, czj, gtj = members[2], members[3], members[4]  # 发改委 (the office), 财政局, 国土局
    for n, (minutes, decisions, owners) in enumerate([
        ("会议听取了临溪镇扩权强镇试点工作进展汇报，研究了逾期备案和应返款项拨付问题。",
         ["临溪镇本月底前补报逾期备案的行权记录", "县财政局本季度内拨付逾期应返款项"], [fgw, czj]),
        ("会议通报了半年综合督查发现的问题，部署整改工作。",
         ["各责任单位按期完成督查问题整改", "县国土局指导临溪镇做好耕地占补平衡"], [fgw, gtj]),
    ]):
        month = _month_before(today, 2 - n)
        meeting = services.monthly_meeting_prepare(group=group, month=month, today=month + 6 * DAY)
        meeting = services.meeting_record(meeting=meeting, held_on=add_days(month, 7),  # a working day
                                          venue="县政府三楼会议室", minutes=minutes, actor=office)
        for i, member in enumerate(members):
            services.attendance_record(meeting=meeting, member=member, present=i != 4 + n,
                                       note="" if i != 4 + n else "请假", actor=office)
        for text, owner in zip(decisions, owners, strict=True):
            decision = services.decision_add(meeting=meeting, text=text, actor=office)
            services.action_item_add(meeting=meeting, decision=decision, text=text, owner=owner,
                                     owner_unit=owner.post.replace("主任", "").replace("局长", ""),
                                     within_days=30, actor=office)
    # This month's meeting as the job of the 1st leaves it: agenda compiled from every app, not yet held.
    services.monthly_meeting_prepare(group=group, month=today.replace(day=1))
    demo_supervision.load(group=group, office=office, clerk=clerk, today=today)
    demo_appraisal.load(group=group, office=office, clerk=clerk, today=today)
    return True

"""Demo data of establishment and cadres for 临溪镇 (issue 12 §8), written through the services so
every figure has been through the same rules: 行政编制 and 事业编制 approved by the county office,
three internal institutions set up by an approved plan, nine people on their posts (one 行政编制
post left free), a plan waiting for the county, last month's payroll count (one more paid than on
the roll: the cross-check lists it); a secondee whose term ends within the month and one in the
middle of a term; two stationed units: one head appointed after the town agreed, with a written
adjustment opinion delivered more than a month ago and not handled (overdue), and one consultation
waiting for the town's reply. 华阳镇 gets a stationed unit too. Idempotent: nothing is written when
临溪镇 already has an approval."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from regions.models import Department, Division

from . import services_cadres as cadres
from . import services_staffing as staffing
from .choices_staffing import (
    ApprovalDocumentKind,
    Education,
    EntryForm,
    EstablishmentKind,
    InstitutionNature,
    PlanLineAction,
    PoliticalStatus,
    PostRole,
    QuotaKind,
)
from .models import EstablishmentApproval, Reply, UnitKind, id_check_digit

COUNTY, LINXI, HUAYANG = "341824", "341824101", "341824100"
PEOPLE = [  # name, birth, institution index, kind, political status, education
    ("汪建国", "19720305", 0, EstablishmentKind.ADMIN, PoliticalStatus.CPC, Education.BACHELOR),
    ("胡晓梅", "19840917", 0, EstablishmentKind.ADMIN, PoliticalStatus.CPC, Education.BACHELOR),
    ("程立新", "19900112", 0, EstablishmentKind.ADMIN, PoliticalStatus.LEAGUE, Education.POSTGRADUATE),
    ("章永红", "19790620", 1, EstablishmentKind.ADMIN, PoliticalStatus.CPC, Education.COLLEGE),
    ("方志强", "19881103", 1, EstablishmentKind.ADMIN, PoliticalStatus.NONE, Education.BACHELOR),
    ("舒丽", "19920228", 2, EstablishmentKind.PUBLIC, PoliticalStatus.CPC, Education.BACHELOR),
    ("葛文斌", "19810714", 2, EstablishmentKind.PUBLIC, PoliticalStatus.NONE, Education.COLLEGE),
    ("邵春燕", "19950409", 2, EstablishmentKind.PUBLIC, PoliticalStatus.LEAGUE, Education.BACHELOR),
    ("许国华", "19760830", 2, EstablishmentKind.PUBLIC, PoliticalStatus.CPC, Education.SECONDARY),
]


def _id(birth: str, n: int) -> str:
    first17 = f"{LINXI[:6]}{birth}{n:03d}"
    return first17 + id_check_digit(first17)


def _department(county: Division, name: str) -> Department:
    return Department.objects.filter(division=county, name__contains=name).first() or Department.objects.filter(
        division=county).order_by("id").first()


@transaction.atomic
def load_demo_personnel() -> bool:
    d = {x.code: x for x in Division.objects.filter(code__in=[COUNTY, LINXI, HUAYANG])}
    if len(d) < 3 or EstablishmentApproval.objects.filter(town=d[LINXI]).exists():
        return False
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["office", "clerk_linxi", "admin"])}
    office, clerk = users.get("office") or users.get("admin"), users.get("clerk_linxi") or users.get("admin")
    today = timezone.localdate()
    linxi, county = d[LINXI], d[COUNTY]
    year = today.year - 1
    approved_on = datetime.date(year, 3, 10)
    for kind, delta, number in ((QuotaKind.ADMIN, 6, 7), (QuotaKind.PUBLIC, 4, 8)):
        staffing.establishment_approve(
            town=linxi, quota_kind=kind, delta=delta, document_kind=ApprovalDocumentKind.OFFICE_DECISION,
            document_number=f"绩编办〔{year}〕{number}号", document_date=approved_on, issued_by="绩溪县机构编制委员会办公室",
            actor=office)
    plan = staffing.plan_create(town=linxi, title=f"临溪镇{year}年内设机构调整设置方案",
                                reasons="按照乡镇机构改革要求，综合设置党政内设机构和事业站所", actor=clerk)
    units = [("党政综合办公室", InstitutionNature.PARTY_GOVERNMENT, False, 3, 0),
             ("经济发展办公室", InstitutionNature.PARTY_GOVERNMENT, True, 3, 0),
             ("社会事务综合服务中心", InstitutionNature.PUBLIC_SERVICE, False, 0, 4)]
    for name, nature, key, admin, public in units:
        staffing.plan_line_add(plan=plan, action=PlanLineAction.CREATE, name=name, nature=nature, is_key=key,
                               admin_posts=admin, public_posts=public, actor=clerk)
    staffing.plan_submit(plan=plan, actor=clerk)
    staffing.plan_approve(plan=plan, approval_number=f"绩编发〔{year}〕12号", approved_by="中共绩溪县委机构编制委员会",
                          decided_on=datetime.date(year, 4, 2), actor=office)
    institutions = list(linxi.institutions.filter(abolished_on__isnull=True).order_by("id"))
    posts = {}
    for i, inst in enumerate(institutions):
        kind = EstablishmentKind.PUBLIC if units[i][4] else EstablishmentKind.ADMIN
        posts[i] = staffing.post_create(institution=inst, title="科员" if kind == EstablishmentKind.ADMIN else "工作人员",
                                        kind=kind, role=PostRole.STAFF, actor=office)
    entry = datetime.date(year, 5, 6)
    for n, (name, birth, index, _kind, political, education) in enumerate(PEOPLE, start=1):
        staffing.person_enter(
            town=linxi, name=name, id_number=_id(birth, 100 + n * 7), birth_date=datetime.datetime.strptime(
                birth, "%Y%m%d").date(), political_status=political, education=education, post=posts[index],
            entry_form=EntryForm.RECRUITMENT if n % 3 else EntryForm.TRANSFER_IN,
            entry_document=f"绩人社〔{year}〕{20 + n}号", entry_date=entry, phone=f"1390563{1000 + n * 37:04d}",
            actor=clerk)
    draft = staffing.plan_create(town=linxi, title=f"临溪镇{today.year}年增设文化旅游服务站方案",
                                 reasons="发展乡村旅游，承接县文旅局下放事项", actor=clerk)
    staffing.plan_line_add(plan=draft, action=PlanLineAction.CREATE, name="文化旅游服务站",
                           nature=InstitutionNature.PUBLIC_SERVICE, public_posts=0, actor=clerk)
    staffing.plan_submit(plan=draft, actor=clerk)
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    staffing.payroll_count_record(town=linxi, month=month, kind=EstablishmentKind.ADMIN, count=5, actor=office)
    staffing.payroll_count_record(town=linxi, month=month, kind=EstablishmentKind.PUBLIC, count=5,
                                  note="财政局工资统发名单", actor=office)

    # secondments: one ending within the month (the reminder), one mid-term
    cadres.secondment_create(town=linxi, person_name="李明辉", home_unit="绩溪县发展和改革委员会", post="党委委员、副镇长",
                             document_number=f"绩组〔{year}〕31号", start_on=today - datetime.timedelta(days=345),
                             end_on=today + datetime.timedelta(days=20), actor=office)
    cadres.secondment_create(town=linxi, person_name="王静", home_unit="绩溪县农业农村局", post="镇长助理",
                             document_number=f"绩组〔{today.year}〕9号", start_on=today - datetime.timedelta(days=120),
                             end_on=today + datetime.timedelta(days=610), actor=office)

    # stationed units: a head appointed after consultation, an overdue adjustment opinion; a pending consultation
    land = cadres.stationed_unit_create(town=linxi, department=_department(county, "国土"), name="临溪国土资源所",
                                        kind=UnitKind.STATION, actor=office)
    asked = today - datetime.timedelta(days=150)
    c = cadres.consultation_request(unit=land, candidate_name="洪志远", proposed_post="所长",
                                    request_document=f"绩国土函〔{today.year}〕15号", requested_on=asked, actor=office)
    c = cadres.consultation_reply(consultation=c, reply=Reply.AGREE, replied_on=asked + datetime.timedelta(days=4),
                                  actor=clerk)
    head = cadres.consultation_appoint(consultation=c, document_number=f"绩国土任〔{today.year}〕3号",
                                       appointed_on=asked + datetime.timedelta(days=9), actor=office)
    cadres.opinion_deliver(appointment=head, document_number=f"临委〔{today.year}〕41号",
                           opinion="该所负责人履职不力，群众反映较多，建议予以调整", delivered_on=today - datetime.timedelta(days=45),
                           actor=clerk)
    market = cadres.stationed_unit_create(town=linxi, department=_department(county, "工商"), name="临溪工商所",
                                          kind=UnitKind.STATION, actor=office)
    cadres.consultation_request(unit=market, candidate_name="叶青", proposed_post="所长",
                                request_document=f"绩工商函〔{today.year}〕22号", requested_on=today - datetime.timedelta(days=6),
                                actor=office)
    cadres.stationed_unit_create(town=d[HUAYANG], department=_department(county, "财政"), name="华阳财政所",
                                 kind=UnitKind.STATION, actor=office)
    return True

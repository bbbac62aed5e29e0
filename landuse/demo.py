"""Demo data of land quotas for 绩溪县 and 临溪镇 (issue 13 §6), written through the services so
every figure has been through the same rules: this year's quota issued into 安徽省 and handed down
宣城市 → 绩溪县 → its towns, the county's share set aside for pilot towns (临溪镇 gets it), 临溪镇's
招拍挂 part, last year's quota and a consolidation gain; projects approved, under review, one
reservation about to lapse, one industrial project outside the zone. Idempotent: a second call
finds the province's account and does nothing. l2's farmland and reclamation demo follows."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from regions.models import Division

from . import services
from .choices import GainKind, MovementKind, Pool, ProjectKind
from .models import QuotaAccount

PROVINCE, CITY, COUNTY, LINXI, HUAYANG, SHANGZHUANG = "340000", "341800", "341824", "341824101", "341824100", "341824103"


def _move(kind, year, source, target, amount, doc, on, source_pool=Pool.GENERAL, target_pool=Pool.GENERAL, actor=None):
    return services.allocation_create(kind=kind, year=year, source=source, target=target, amount_mu=amount,
                                      source_pool=source_pool, target_pool=target_pool, document_number=doc,
                                      allocated_on=on, actor=actor)


@transaction.atomic
def load_demo_landuse() -> bool:
    d = {x.code: x for x in Division.objects.filter(code__in=[PROVINCE, CITY, COUNTY, LINXI, HUAYANG, SHANGZHUANG])}
    if len(d) < 6:
        return False
    today = timezone.localdate()
    year, last = today.year, today.year - 1
    if QuotaAccount.objects.filter(division=d[PROVINCE], year=year).exists():
        return False
    office = get_user_model().objects.filter(username="office").first()
    early = datetime.date(year, 1, 15) if today >= datetime.date(year, 1, 15) else today
    for y, on in ((last, datetime.date(last, 2, 20)), (year, early)):
        p, c, k = d[PROVINCE], d[CITY], d[COUNTY]
        _move(MovementKind.ISSUE, y, None, p, "52000", f"自然资规〔{y}〕8号", on)
        _move(MovementKind.ALLOCATE, y, p, c, "3600", f"皖自然资〔{y}〕21号", on)
        _move(MovementKind.ALLOCATE, y, c, k, "860.5", f"宣自然资〔{y}〕5号", on)
        _move(MovementKind.SET_ASIDE, y, k, k, "300", f"绩政〔{y}〕12号", on, target_pool=Pool.PILOT, actor=office)
        _move(MovementKind.ALLOCATE, y, k, d[LINXI], "300", f"绩政〔{y}〕13号", on, source_pool=Pool.PILOT, actor=office)
        _move(MovementKind.ALLOCATE, y, k, d[LINXI], "120", f"绩政〔{y}〕14号", on, actor=office)
        _move(MovementKind.ALLOCATE, y, k, d[HUAYANG], "180", f"绩政〔{y}〕15号", on, actor=office)
        _move(MovementKind.ALLOCATE, y, k, d[SHANGZHUANG], "96.25", f"绩政〔{y}〕16号", on, actor=office)
        _move(MovementKind.SET_ASIDE, y, d[LINXI], d[LINXI], "60", f"临政〔{y}〕3号", on, target_pool=Pool.COMMERCIAL,
              actor=office)
    services.quota_gain(town=d[LINXI], year=last, kind=GainKind.CONSOLIDATION, amount_mu="35.6",
                        accepted_on=datetime.date(last, 11, 8), document_number=f"绩自然资验〔{last}〕7号",
                        basis="临溪村土地整理项目验收", source_key="demo:consolidation:linxi", actor=office)
    linxi = d[LINXI]

    def project(name, kind, quota, area, farmland, **kw):
        return services.project_create(town=linxi, actor=office, name=name, kind=kind, year=kw.pop("year", year),
                                       area_mu=area, quota_mu=quota, farmland_mu=farmland, **kw)

    # Last year: two approved projects.
    a = project("临溪工业集中区标准化厂房一期", ProjectKind.INDUSTRIAL, "150", "162.5", "88.3", year=last,
                in_industrial_zone=True, qualifying=True, priority_reason="列入县重点建设项目")
    services.project_draw(project=a, approval_document=f"皖政地〔{last}〕112号", approved_on=datetime.date(last, 6, 18),
                          actor=office)
    b = project("临溪镇污水处理厂", ProjectKind.INFRASTRUCTURE, "24.8", "26", "10.2", year=last)
    services.project_draw(project=b, approval_document=f"皖政地〔{last}〕187号", approved_on=datetime.date(last, 9, 3),
                          actor=office)
    # This year: approved, under review, one about to lapse, one industrial project outside the zone.
    c = project("富凯新材料扩建项目", ProjectKind.INDUSTRIAL, "85", "90", "40", in_industrial_zone=True,
                qualifying=True, priority_reason="列入县重点建设项目，投资额超过5亿元")
    services.project_submit(project=c, application_document=f"临政〔{year}〕21号", actor=office)
    services.project_approve(project=c, approval_document=f"皖政地〔{year}〕36号", actor=office)
    e = project("胡雪岩故居游客服务中心", ProjectKind.INFRASTRUCTURE, "18.5", "20", "6.5")
    services.project_submit(project=e, application_document=f"临政〔{year}〕33号", actor=office)
    lapsing = today - datetime.timedelta(days=178)  # six months from then end in a few days
    f = project("镇区商住地块（招拍挂）", ProjectKind.COMMERCIAL, "42", "45", "12.5")
    services.project_submit(project=f, applied_on=lapsing, application_document=f"临政〔{lapsing.year}〕9号",
                            actor=office)
    project("向阳纸业原料仓储（园区外）", ProjectKind.INDUSTRIAL, "12", "12.8", "8",
            in_industrial_zone=False, outside_zone_reason="依托现有厂区与铁路专用线，园区内无可接轨地块")
    project("临溪中学扩建", ProjectKind.INFRASTRUCTURE, "9.6", "10", "3.2", qualifying=True,
            priority_reason="公共服务设施，县政府优先保障")
    try:
        from .demo_farmland import load_demo_farmland  # l2's part: farmland balance, reclamation
    except ImportError:
        return True
    load_demo_farmland()
    return True

"""The sections of the one-town dossier (一镇一档, issue 15 §2): the town's profile, then the
sections of oversight's report bundle (oversight.bundle's builders: the catalogue, exercise
records and filings, finance, the ledger, establishment, land quota, findings) for one town and a
chosen period, each read through its app's selectors and linking to its records."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from oversight import bundle
from oversight.bundle import Scope, Section, Table
from regions.models import Division

from . import selectors


def profile_section(scope: Scope) -> Section:
    """基本情况: the town, its county, its pilot designations and the leading groups steering it."""
    town = scope.division
    section = Section("profile", gettext("基本情况"), link=bundle.page_url("regions:division-detail", town.pk),
                      link_label=gettext("区划信息"))
    section.figures = [(gettext("区划代码"), town.code), (gettext("所属"), town.parent.name if town.parent else "—")]
    pilots = Table(gettext("试点确定情况"), [gettext("试点类型"), gettext("批次"), gettext("确定日期"),
                                          gettext("确定机关"), gettext("文号"), gettext("撤销日期")])
    for d in selectors.designations(town=town):
        pilots.rows.append([d.get_kind_display(), d.batch, bundle.day_text(d.designated_on), d.designated_by,
                            d.document_number or "—", bundle.day_text(d.revoked_on)])
        pilots.links.append("")
    groups = Table(gettext("领导小组"), [gettext("名称"), gettext("所属区划"), gettext("成立日期")])
    for g in selectors.steering_groups(user=scope.user, town=town):
        groups.rows.append([g.name, g.division.name, bundle.day_text(g.set_up_on)])
        groups.links.append(bundle.page_url("oversight:group-detail", g.pk))
    section.tables = [pilots, groups] if groups.rows else [pilots]
    if not pilots.rows:
        section.paragraphs.append(gettext("该镇尚未确定为试点镇。"))
    return section


def dossier_scope(*, user, town: Division, start: datetime.date, end: datetime.date) -> Scope:
    return Scope(user=user, division=town, towns=(town,), start=start, end=end)


def dossier_sections(*, user, town: Division, start: datetime.date, end: datetime.date) -> list[Section]:
    scope = dossier_scope(user=user, town=town, start=start, end=end)
    return [profile_section(scope), *(build(scope) for build in bundle.BUILDERS)]


def dossier_pdf(*, user, town: Division, start: datetime.date, end: datetime.date) -> tuple[bytes, int]:
    """The dossier as a GB/T 9704 PDF with a table of contents: (bytes, page count)."""
    parts = dossier_sections(user=user, town=town, start=start, end=end)
    intro = [gettext("本档案由扩权强镇管理平台根据系统数据生成，汇集%(town)s在%(start)s至%(end)s期间的下放事项、行权备案、财政结算、"
                     "台账、编制、用地指标和督查整改情况。") % {
        "town": town.name, "start": bundle.date_text(start), "end": bundle.date_text(end)}]
    return bundle.sections_pdf(title_phrases=[town.name, gettext("扩权强镇试点"), gettext("一镇一档")],
                               issuer=gettext("一镇一档"), intro=intro, sections=parts,
                               signature=gettext("扩权强镇管理平台"), date=timezone.localdate())

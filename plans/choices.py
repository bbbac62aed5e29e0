"""The sections of an implementation plan (实施方案), in the order every seed follows them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """One section of the plan. The eight policy measures (政策措施) are subsections of one chapter."""

    GUIDING = "guiding", _("指导思想")
    SCOPE = "scope", _("实施范围")
    TARGETS = "targets", _("发展目标")
    PRINCIPLES = "principles", _("基本原则")
    POWERS = "powers", _("下放权限")
    PLANNING = "planning", _("规划编制")
    FINANCE = "finance", _("财政")
    INVESTMENT = "investment", _("投入")
    INDUSTRIAL_ZONE = "industrial_zone", _("工业集中区")
    PERSONNEL = "personnel", _("人事")
    LAND = "land", _("用地")
    HOUSEHOLD = "household", _("户籍")
    ORGANISATION = "organisation", _("组织领导")
    SUPERVISION = "supervision", _("督查考核")


#: the subsections of the chapter 政策措施, in order
POLICY_SECTIONS = (Section.POWERS, Section.PLANNING, Section.FINANCE, Section.INVESTMENT, Section.INDUSTRIAL_ZONE,
                   Section.PERSONNEL, Section.LAND, Section.HOUSEHOLD)
#: the chapters of the plan in order; ``None`` stands for the chapter 政策措施 with its subsections
CHAPTERS = (Section.GUIDING, Section.SCOPE, Section.TARGETS, Section.PRINCIPLES, None, Section.ORGANISATION,
            Section.SUPERVISION)


class VersionKind(models.TextChoices):
    DRAFT = "draft", _("据数据起草")
    EDIT = "edit", _("编辑保存")


#: the named fields each section's wording may use ({{ name }}), with what they hold; every
#: section also has the common ones. The drafting service fills them from the apps' selectors.
COMMON_FIELDS = {
    "town": _("试点镇（县）名称"), "county": _("所属县（市）名称"), "subject": _("试点镇或试点县"),
    "title": _("方案标题"), "year": _("起草年度"),
}
SECTION_FIELDS = {
    Section.GUIDING: {},
    Section.SCOPE: {"batch": _("试点批次"), "designated_by": _("确定机关"), "designated_on": _("确定日期"),
                    "document": _("确定文号（含括号）")},
    Section.TARGETS: {"targets": _("各项增长目标（一句）"), "fiscal_revenue": _("财政总收入目标增长率"),
                      "industrial_output": _("规模以上工业总产值目标增长率"),
                      "infrastructure_investment": _("基础设施建设投资目标增长率"), "target_years": _("目标年度")},
    Section.PRINCIPLES: {},
    Section.POWERS: {"items_total": _("施行中的事项数"), "modes": _("按方式的事项数（一句）"), "devolve": _("下放事项数"),
                     "authorise": _("授权事项数"), "entrust": _("委托事项数"), "front_desk": _("窗口前移事项数"),
                     "departments": _("下放部门（一句）"), "filing_rules": _("备案规则（列表）")},
    Section.PLANNING: {},
    Section.FINANCE: {"arrangement": _("财政体制名称"), "arrangement_document": _("体制文号（含括号）"),
                      "base_year": _("基数年度"), "base_amount": _("基数（元）"), "base_amount_wan": _("基数（万元）"),
                      "term_start": _("体制期限起（年）"), "term_end": _("体制期限止（年）"), "term_years": _("体制年限"),
                      "returns": _("返还规则（列表）"), "settlement": _("结算方式")},
    Section.INVESTMENT: {"startup_fund": _("发展启动资金（元）"), "startup_year": _("启动资金年度"),
                         "funds_total": _("各类资金拨入合计（元）"), "funds": _("资金（列表）")},
    Section.INDUSTRIAL_ZONE: {"zone_rules": _("指定用于工业集中区的返还（一句）"), "projects": _("用地项目数")},
    Section.PERSONNEL: {"admin_approved": _("核定行政编制"), "admin_filled": _("在编行政编制"),
                        "public_approved": _("核定事业编制"), "public_filled": _("在编事业编制"),
                        "leaders_zk": _("正科级领导职数"), "leaders_fk": _("副科级领导职数"),
                        "rank_ups": _("高配人数"), "rank_up_list": _("高配情况（一句）")},
    Section.LAND: {"quota_year": _("指标年度"), "quota_received": _("下达指标（亩）"), "quota_gained": _("挖潜增加（亩）"),
                   "quota_used": _("已使用（亩）"), "quota_available": _("可用余额（亩）")},
    Section.HOUSEHOLD: {},
    Section.ORGANISATION: {"group": _("领导小组名称"), "group_document": _("成立文号（含括号）"),
                           "leader": _("组长"), "deputies": _("副组长"), "members_count": _("成员人数"),
                           "office": _("领导小组办公室名称"), "office_host": _("办公室设在部门"),
                           "office_director": _("办公室主任")},
    Section.SUPERVISION: {"group": _("领导小组名称"), "meetings_held": _("已召开调度会次数"),
                          "last_meeting": _("最近一次调度会日期"), "findings_total": _("督查发现问题数"),
                          "findings_closed": _("已整改销号数"), "findings_open": _("未销号数")},
}

"""Demo data of oversight: appraisal (issue 14 §9), called by demo.load_demo_oversight once the leading
group, its members and 临溪镇 exist: the group's indicator set of last year (four indicators
computed from the apps, two scored by hand) and 临溪镇's appraisal of that year, computed from what
the other apps' demos hold, hand-scored, finalised, with the use made of the result recorded.
Written through the services (idempotent: a second call finds the set and does nothing)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from regions.models import Division

from . import services_appraisal
from .models import IndicatorSet, UseKind

LINXI = "341824101"

INDICATORS = [
    {"name": "行权事项按时备案", "weight": "20", "measure": "filing_on_time",
     "rule": "按时备案率×100；审批、许可后1个月内报相关部门备案"},
    {"name": "下放事项承接", "weight": "15", "measure": "takeover_rate", "rule": "已承接事项÷已交办事项×100"},
    {"name": "发展目标完成", "weight": "25", "measure": "targets_met",
     "rule": "财政总收入、规模以上工业总产值增长25%以上，基础设施投资增长20%以上，完成项数÷可评价项数×100"},
    {"name": "督查问题整改销号", "weight": "15", "measure": "rectifications_closed",
     "rule": "本年度发现问题已销号数÷问题数×100"},
    {"name": "便民服务中心规范运行", "weight": "15", "measure": "", "rule": "一站式办理、窗口公示、群众满意度，现场检查评分"},
    {"name": "放权接权业务培训", "weight": "10", "measure": "", "rule": "参加县级部门组织的专题培训情况"},
]

# Hand scores (indicator name → score, reason); a computed indicator with nothing to measure in
# the demo's year is scored by hand too, with the reason said.
HAND = {
    "便民服务中心规范运行": ("88", "现场检查：窗口公示齐全，群众满意度测评92%，个别事项未实现一站式办理。"),
    "放权接权业务培训": ("95", "全年参加专题培训6次，委托执法人员全部持证上岗。"),
}
NO_DATA_REASON = "本年度没有可计算的数据，按年度工作总结和现场检查评分。"
NO_DATA_SCORE = "80"


def load(*, group, office, clerk, today: datetime.date) -> None:
    linxi = Division.objects.filter(code=LINXI).first()
    year = today.year - 1
    if linxi is None or office is None or IndicatorSet.objects.filter(group=group, year=year).exists():
        return
    indicator_set = services_appraisal.indicator_set_create(
        group=group, year=year, name=f"{group.name}{year}年度扩权强镇试点工作考核办法", indicators=INDICATORS,
        document_number=f"绩扩权办〔{year}〕3号", actor=office)
    appraisal = services_appraisal.appraisal_start(indicator_set=indicator_set, town=linxi, actor=office,
                                                   today=datetime.date(year + 1, 1, 10))
    for score in appraisal.scores.select_related("indicator").order_by("indicator__position"):
        name = score.indicator.name
        if name in HAND:
            value, reason = HAND[name]
        elif score.score is None:
            value, reason = NO_DATA_SCORE, NO_DATA_REASON
        else:
            continue
        services_appraisal.appraisal_score(appraisal=appraisal, indicator=score.indicator, score=Decimal(value),
                                           reason=reason, actor=office)
    finalised_on = datetime.date(year + 1, 1, 20)
    appraisal = services_appraisal.appraisal_finalise(
        appraisal=appraisal, on=finalised_on, actor=office,
        conclusion="承接事项运行平稳，备案和整改总体及时，发展目标部分完成。")
    grade = appraisal.get_grade_display()
    services_appraisal.appraisal_use_record(
        appraisal=appraisal, kind=UseKind.REWARD, decided_on=datetime.date(year + 1, 2, 6),
        document_number=f"绩政〔{year + 1}〕12号",
        text=f"考核等次为{grade}，按考核办法给予以奖代补资金奖励。", actor=office)
    services_appraisal.appraisal_use_record(
        appraisal=appraisal, kind=UseKind.CADRE, decided_on=datetime.date(year + 1, 3, 2),
        document_number=f"绩组〔{year + 1}〕8号",
        text="考核结果作为镇领导班子和领导干部年度考核、选拔任用的重要依据，记入干部考核档案。", actor=office)

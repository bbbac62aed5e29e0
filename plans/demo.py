"""Demo data of plans (issue 15 §1): the implementation plan of 临溪镇 drafted by the office from
what the other demos hold, and one version the office edited. Idempotent: a second call finds the
plan and does nothing. Runs after the other apps' demos (core's run_stack order)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from regions.models import Division

from . import selectors, services
from .models import Plan

LINXI = "341824101"
TITLE = "临溪镇扩权强镇试点工作实施方案"
EDIT_NOTE = "补充结束语"
CLOSING = ("\n## 八、附则\n\n本方案自印发之日起施行，由县扩权强镇试点工作领导小组办公室负责解释。"
           "试点工作中遇到的新情况、新问题，及时报告县委、县政府。\n")


@transaction.atomic
def load_demo_plans() -> bool:
    town = Division.objects.filter(code=LINXI).first()
    office = get_user_model().objects.filter(username="office").first()
    if town is None or office is None or Plan.objects.filter(division=town, title=TITLE).exists():
        return False
    plan = services.plan_create(division=town, title=TITLE, actor=office)
    draft = selectors.latest_version(plan=plan)
    services.version_save(plan=plan, markdown=draft.markdown.rstrip() + "\n" + CLOSING, note=EDIT_NOTE, actor=office)
    return True

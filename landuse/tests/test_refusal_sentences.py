"""Each refusal is one whole sentence of its action (one msgid each, so each translates): no
action's label set into a shared sentence ("不能%(what)s" read "cannot Pending" in English)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.errors import ApplicationError
from landuse import services
from landuse.choices import MovementKind, Pool, ProjectStatus
from landuse.models import Allocation, Project
from regions.choices import Role

from .factories import YEAR, allocate, fund_town, project, quota_chain

pytestmark = pytest.mark.django_db
OFFICE, CLERK, SUPERIOR = (str(r.label) for r in (Role.OFFICE, Role.CLERK, Role.SUPERIOR))


@pytest.fixture
def chain(db):
    return quota_chain()


@pytest.fixture
def nobody(db):
    """A user without any role anywhere."""
    return get_user_model().objects.create_user("nobody_l2", password="x-Long-pass-1")


def _submitted(town) -> Project:
    return services.project_submit(project=project(town, quota_mu="10"), actor=None)


@pytest.mark.parametrize(("step", "sentence"), [
    ("submit", f"只有{OFFICE}、{CLERK}才能报批用地项目。"),
    ("withdraw", f"只有{OFFICE}、{CLERK}才能撤回用地项目。"),
    ("approve", f"只有{OFFICE}才能批准用地项目。"),
    ("reject", f"只有{OFFICE}才能退回用地项目。"),
    ("draw", f"只有{OFFICE}才能登记已批准的用地项目。"),
])
def test_project_step_without_the_role(chain, nobody, step, sentence):
    fund_town(chain["town"], "100")
    p = project(chain["town"], quota_mu="10") if step in ("submit", "draw") else _submitted(chain["town"])
    call = {"submit": lambda: services.project_submit(project=p, actor=nobody),
            "withdraw": lambda: services.project_withdraw(project=p, reason="测试", actor=nobody),
            "approve": lambda: services.project_approve(project=p, approval_document="测批〔2026〕1号", actor=nobody),
            "reject": lambda: services.project_reject(project=p, reason="测试", actor=nobody),
            "draw": lambda: services.project_draw(project=p, approval_document="测批〔2026〕2号", actor=nobody)}[step]
    before = Project.objects.get(pk=p.pk).status
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert str(refused.value) == sentence
    assert Project.objects.get(pk=p.pk).status == before


def test_quota_actions_without_the_role(chain, nobody):
    fund_town(chain["town"], "100")
    with pytest.raises(PermissionDenied) as refused:
        allocate(chain["county"], chain["other"], "1", actor=nobody)
    assert str(refused.value) == f"只有{OFFICE}、{SUPERIOR}才能下达或调剂本级的用地指标。"
    allocation = Allocation.objects.filter(target__division=chain["town"]).get()
    with pytest.raises(PermissionDenied) as refused:
        services.allocation_reverse(allocation=allocation, reason="测试", actor=nobody)
    assert str(refused.value) == f"只有{OFFICE}、{SUPERIOR}才能冲销本级下达的用地指标。"
    with pytest.raises(PermissionDenied) as refused:
        services.quota_year_close(division=chain["county"], year=YEAR, actor=nobody)
    assert str(refused.value) == f"只有{OFFICE}才能关闭指标年度。"
    reclamation = services.reclamation_create(town=chain["town"], name="测试复垦", kind="abandoned", area_mu="3",
                                              applied_on=datetime.date(YEAR, 1, 5))
    with pytest.raises(PermissionDenied) as refused:
        services.reclamation_accept(reclamation=reclamation, accepted_on=datetime.date(YEAR, 1, 6),
                                    document_number="测验〔2026〕1号", actor=nobody)
    assert str(refused.value) == f"只有{OFFICE}才能办理复垦验收和占补平衡统筹。"


@pytest.mark.parametrize(("step", "verb"), [("submit", "预留"), ("draw", "使用")])
def test_project_in_a_town_without_quota(chain, step, verb):
    p = project(chain["other"], quota_mu="10")
    with pytest.raises(ApplicationError) as refused:
        if step == "submit":
            services.project_submit(project=p)
        else:
            services.project_draw(project=p, approval_document="测批〔2026〕3号")
    assert refused.value.message == f"非试点镇 {YEAR}年度尚无{Pool(Pool.GENERAL).label}，不能{verb}。"
    assert Project.objects.get(pk=p.pk).status == ProjectStatus.DRAFT


def test_shortfall_is_the_actions_own_sentence(chain):
    fund_town(chain["town"], "50")
    p = project(chain["town"], quota_mu="50.0001", name="超额项目")
    with pytest.raises(ApplicationError) as refused:
        services.project_submit(project=p)
    assert refused.value.message.endswith("可用 50.0000亩。项目“超额项目”需 50.0001亩，超出 0.0001亩。")
    with pytest.raises(ApplicationError) as refused:
        allocate(chain["county"], chain["other"], "0.0001")
    assert refused.value.message.endswith("可用 0.0000亩。本次逐级下达需 0.0001亩，超出 0.0001亩。")
    with pytest.raises(ApplicationError) as refused:
        allocate(chain["town"], chain["town"], "50.0001", kind=MovementKind.SET_ASIDE, target_pool=Pool.COMMERCIAL)
    assert refused.value.message.endswith("本次切块安排需 50.0001亩，超出 0.0001亩。")
    services.project_draw(project=project(chain["town"], quota_mu="20"), approval_document="测批〔2026〕4号")
    allocation = Allocation.objects.filter(target__division=chain["town"]).get()
    with pytest.raises(ApplicationError) as refused:
        services.allocation_reverse(allocation=allocation, reason="测试冲销")
    assert refused.value.message.endswith("可用 30.0000亩。冲销需收回 50.0000亩，超出 20.0000亩。")


def test_step_page_refuses_with_the_steps_sentence(demo, personas, client_for):
    """The page checks the role before the state, with the service's sentence (it said 才能approve)."""
    linxi = demo["341824101"]
    fund_town(linxi, "100")
    p = _submitted(linxi)
    response = client_for(personas["clerk_linxi"]).post(reverse("landuse:project-approve", args=[p.pk]),
                                                        {"approval_document": "测批〔2026〕5号"})
    assert response.status_code == 403
    assert f"只有{OFFICE}才能批准用地项目。" in response.content.decode()
    assert Project.objects.get(pk=p.pk).status == ProjectStatus.UNDER_REVIEW

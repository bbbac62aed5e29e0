"""The 实施方案 of 临溪镇 drafted from the demo data (issue 15 Done-when): the figures of the data in
the Markdown and in the PDF's text, no placeholder left; a town without a fiscal arrangement gets
the "missing" wording; the length counted against the minimum; every version kept; the office's
wording changes the next draft; refusals (404 out of scope, 403 without the role)."""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from core.errors import ApplicationError
from delegation.choices import ItemStatus, Mode
from delegation.models import Assignment
from finance import selectors as finance_selectors
from finance.models import GrowthTarget
from landuse import selectors as landuse_selectors
from personnel import selectors_staffing
from plans import reports, rules, selectors, services
from plans.choices import Section
from plans.models import Plan, PlanVersion
from regions.models import Division

LINXI, HUAYANG, COUNTY = "341824101", "341824100", "341824"
TITLE = "临溪镇扩权强镇试点工作实施方案"
DEMOS = ["load_demo_regions", "load_demo_personnel", "load_demo_delegation", "load_demo_finance",
         "load_demo_landuse", "load_demo_oversight"]
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Every app's demo, loaded once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            for name in DEMOS:
                call_command(name, stdout=io.StringIO())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_data, db):
    User = get_user_model()
    return {"office": User.objects.get(username="office"), "linxi": Division.objects.get(code=LINXI),
            "huayang": Division.objects.get(code=HUAYANG)}


def expected_figures(town) -> list[str]:
    """The figures of the data, read from the apps (not through plans): base amount, items by mode,
    targets, establishment, quota."""
    arrangement = finance_selectors.arrangement_in_force(town=town, month=TODAY.replace(day=1))
    in_force = Assignment.objects.filter(division=town, item__status=ItemStatus.IN_FORCE).exclude(
        takeover_status="revoked")
    by_mode = [f"{Mode(m).label}{in_force.filter(mode=m).count()}项" for m in Mode.values
               if in_force.filter(mode=m).exists()]
    targets = {t.indicator: t.target_percent for t in GrowthTarget.objects.filter(town=town).order_by("year")}
    table = selectors_staffing.staffing_table(town=town)
    admin = next(r for r in table.totals if r.kind == "admin")
    quota = landuse_selectors.division_quota(division=town)[0]
    return [
        f"{arrangement.base_amount:,.2f}", f"{arrangement.base_year}年", f"共{in_force.count()}项", *by_mode,
        *[f"年均增长{p.normalize():f}%以上" for p in targets.values()],
        f"核定行政编制{admin.approved}名", f"{quota.figures.received:,.2f}亩", f"{quota.figures.available:,.2f}亩",
    ]


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_linxi_draft_holds_the_figures_in_markdown_and_pdf(demo):
    plan = services.plan_create(division=demo["linxi"], title=TITLE, actor=demo["office"])
    version = selectors.latest_version(plan=plan)
    md = version.markdown
    figures = expected_figures(demo["linxi"])
    assert len(figures) >= 9
    for figure in figures:
        assert figure in md, figure
    assert md.startswith(f"# {TITLE}\n")
    for heading in ("指导思想", "实施范围", "发展目标", "基本原则", "政策措施", "组织领导", "督查考核"):
        assert re.search(rf"^## [一二三四五六七]、\S*{heading}", md, re.M), heading
    assert len(re.findall(r"^### （[一二三四五六七八]）", md, re.M)) == 8
    assert not re.search(r"\{\{|\}\}|\{%|%\}|UNKNOWN|\u2063", md), "a placeholder left in the draft"
    assert "系统中尚无" not in md  # every section of 临溪镇 has its data
    assert "胡建国" in md and "绩溪县扩权强镇试点工作领导小组" in md  # the leading group from oversight
    assert version.char_count == rules.count_chars(md) >= 1503

    pdf = reports.plan_pdf(plan=plan, version=version, signature=selectors.plan_signature(division=plan.division))
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf_text(pdf))
    for figure in figures:
        assert flat(figure) in text, f"{figure} not in the PDF"
    assert "政策措施" in text and "督查考核" in text
    assert not re.search(r"\{\{|\{%|#", text), "Markdown or a placeholder in the PDF"


def test_town_without_fiscal_arrangement_gets_the_missing_wording(demo):
    huayang = demo["huayang"]
    assert finance_selectors.arrangement_in_force(town=huayang, month=TODAY.replace(day=1)) is None
    md = services.draft_markdown(division=huayang, title="华阳镇实施方案", user=demo["office"])
    assert "系统中尚无华阳镇的财政体制" in md
    assert "为基数" not in md
    assert selectors.plan_facts(town=huayang, user=demo["office"])[Section.FINANCE] is None
    assert not re.search(r"\{\{|\{%|UNKNOWN", md)


def test_a_town_that_is_no_pilot_is_refused(demo):
    with pytest.raises(ApplicationError, match="不是试点镇"):
        services.plan_create(division=demo["huayang"], title="华阳镇实施方案", actor=demo["office"])
    assert not Plan.objects.filter(division=demo["huayang"]).exists()


def test_length_counts_han_characters_only():
    assert rules.count_chars("# 标题\n\n- 共12项，abc！") == 4
    assert rules.length_of("汉字" * 10, 20).verdict == "已达到最低字数"
    assert rules.length_of("汉字" * 10, 25).verdict == "还差 5 字"


def test_minimum_reported_on_the_page(demo):
    plan = services.plan_create(division=demo["linxi"], title=TITLE, min_chars=100000, actor=demo["office"])
    chars = selectors.latest_version(plan=plan).char_count
    client = Client()
    client.force_login(demo["office"])
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f"还差 {100000 - chars} 字" in page
    services.plan_update(plan=plan, min_chars=1503, actor=demo["office"])
    assert "已达到最低字数" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()


def test_every_version_is_kept(demo):
    office = demo["office"]
    plan = services.plan_create(division=demo["linxi"], title=TITLE, actor=office)
    first = selectors.latest_version(plan=plan)
    client = Client()
    client.force_login(office)
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"markdown": first.markdown + "\n补充一段。\n",
                                                                     "note": "补充"})
    assert response.status_code == 302
    services.plan_redraft(plan=plan, actor=office)
    versions = selectors.plan_versions(plan=plan)
    assert [v.number for v in versions] == [3, 2, 1]
    assert [v.kind for v in versions] == ["draft", "edit", "draft"]
    assert versions[1].markdown.endswith("补充一段。\n") and versions[1].created_by == office
    assert PlanVersion.objects.get(pk=first.pk).markdown == first.markdown
    # unchanged text is no new version; nothing is changed or deleted in the database
    with pytest.raises(ApplicationError):
        services.version_save(plan=plan, markdown=versions[0].markdown, actor=office)
    for statement in (lambda: PlanVersion.objects.filter(pk=first.pk).update(markdown="x"),
                      lambda: PlanVersion.objects.filter(pk=first.pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    page = client.get(reverse("plans:detail", args=[plan.pk]) + "?tab=versions").content.decode()
    assert "补充" in page and "据数据起草" in page


def test_the_office_wording_changes_the_next_draft(demo):
    office, county = demo["office"], Division.objects.get(code=COUNTY)
    plan = services.plan_create(division=demo["linxi"], title=TITLE, actor=office)
    client = Client()
    client.force_login(office)
    response = client.post(reverse("plans:template-edit", args=["finance"]), {
        "heading": "完善财政体制", "body": "县财政以{{ base_year }}年{{ base_amount }}为基数，逐年返还（本县措辞）。",
        "missing_text": "{{ town }}尚待确定财政体制。"})
    assert response.status_code == 302
    version = services.plan_redraft(plan=plan, actor=office)
    assert "### （三）完善财政体制" in version.markdown
    assert "逐年返还（本县措辞）" in version.markdown and "19,000,000.00元为基数" in version.markdown
    # the default stays for everyone else; the county's row is its own
    assert selectors.effective_templates(division=None)[Section.FINANCE].heading == "加快推进财政增收"
    assert selectors.effective_templates(division=county)[Section.FINANCE].division == county
    # a field the system does not provide is refused with the list of those it does, nothing saved
    response = client.post(reverse("plans:template-edit", args=["finance"]), {
        "heading": "财政", "body": "基数{{ base_amout }}", "missing_text": "缺"})
    assert response.status_code == 200 and "base_amout" in response.content.decode()
    assert "逐年返还" in selectors.effective_templates(division=county)[Section.FINANCE].body


def test_refusals(demo):
    plan = services.plan_create(division=demo["linxi"], title=TITLE, actor=demo["office"])
    User = get_user_model()
    other, auditor, clerk = (User.objects.get(username=n) for n in ("clerk_other", "auditor", "clerk_linxi"))
    for user, url, status in [
        (other, reverse("plans:detail", args=[plan.pk]), 404),
        (other, reverse("plans:pdf", args=[plan.pk]), 404),
        (clerk, reverse("plans:detail", args=[plan.pk]), 200),
        (clerk, reverse("plans:edit", args=[plan.pk]), 403),
        (auditor, reverse("plans:template-edit", args=["finance"]), 403),
    ]:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, (user, url)
    client = Client()
    client.force_login(auditor)
    assert client.post(reverse("plans:edit", args=[plan.pk]), {"markdown": "x"}).status_code == 403
    assert client.post(reverse("plans:redraft", args=[plan.pk])).status_code == 403
    assert plan.versions.count() == 1

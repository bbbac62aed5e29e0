"""The auditor's report bundle (issue 14 §6) for 绩溪县's demo data: one PDF with a table of
contents and every section (pdftotext finds the titles, the page numbers and the key figures),
progress section by section up to done, the job idempotent on redelivery (also after a worker
was lost midway), the download only through core.files' check: 404 outside the scope, the login
page without a login."""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import ApplicationError
from oversight import bundle as sections
from oversight import services_bundle, tasks_bundle
from oversight.models import Bundle

D = datetime.date
DEMOS = ("load_demo_personnel", "load_demo_delegation", "load_demo_finance", "load_demo_landuse",
         "load_demo_oversight")
TITLES = ["下放事项目录（施行中）", "行权记录与逾期备案", "财政结算对账", "台账校验", "机构编制使用情况",
          "建设用地指标", "督查问题与整改"]


@pytest.fixture
def people(demo, personas, settings, tmp_path):
    """The personas; stored files in a temporary folder; the bundle's PDF registered with core.files
    (oversight's AppConfig does it once the lead applies hunk B1)."""
    settings.MEDIA_ROOT = tmp_path
    services_bundle.register_files()
    return personas


@pytest.fixture
def demo_all(people):
    """Every app's demo data for 绩溪县 (loaded once here: the other tests need only the personas)."""
    for command in DEMOS:
        call_command(command, stdout=io.StringIO())
    return people


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


DEMO_START = D(2009, 1, 1)


def ask(user, division, start=DEMO_START, end=None):
    return services_bundle.bundle_create(division=division, period_from=start, period_to=end or timezone.localdate(),
                                         actor=user)


def test_bundle_of_the_demo_renders_with_contents_and_every_section(demo_all, demo, django_capture_on_commit_callbacks,
                                                                    monkeypatch, tmp_path):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        bundle = ask(demo_all["auditor"], demo["341824"])
    assert len(sent) == 1 and bundle.state == Bundle.State.QUEUED  # the job goes to the broker after commit
    progress = []
    real = services_bundle.bundle_progress
    monkeypatch.setattr(services_bundle, "bundle_progress",
                        lambda *, bundle, done: (progress.append((done, Bundle.objects.get(pk=bundle.pk).state)),
                                                 real(bundle=bundle, done=done)))
    tasks_bundle.generate_bundle_task(bundle.pk)
    bundle.refresh_from_db()
    assert progress == [(n, Bundle.State.RUNNING) for n in range(1, 8)]
    assert bundle.state == Bundle.State.DONE and bundle.sections_done == bundle.sections_total == 7
    assert bundle.page_count >= 8 and bundle.generated_at and bundle.seconds > 0
    text = pdf_text(bundle.pdf.read())
    assert "目" in text and "审计报告材料" in text
    pages = []
    for numeral, title in zip("一二三四五六七", TITLES, strict=True):
        assert text.count(title) >= 2, title  # in the contents and as the section's heading
        found = re.search(rf"{numeral}、{re.escape(title)}\s*\.+\s*(\d+)", text)
        assert found, f"no page number for {title} in the contents"
        pages.append(int(found.group(1)))
    assert pages == sorted(pages) and pages[0] >= 1 and pages[-1] <= bundle.page_count
    # key figures of the demo: every town, the finance reconciliation, the ledger, the quota, the findings
    for figure in ("临溪镇", "华阳镇", "上庄镇", "33,221,678.91", "1,221,000.00", "全部通过", "259.80",
                   "已逾期未备案", "已销号"):
        assert figure in text, figure
    # redelivered (acks_late): nothing changes, one PDF stays
    name, generated = bundle.pdf.name, bundle.generated_at
    tasks_bundle.generate_bundle_task(bundle.pk)
    bundle.refresh_from_db()
    assert (bundle.pdf.name, bundle.generated_at) == (name, generated)
    assert len(list((tmp_path / "bundles").rglob("*.pdf"))) == 1
    # the sections read through the scope: 华阳镇's clerk asking for the county sees its own town only
    scope = sections.scope_for(user=demo_all["clerk_other"], division=demo["341824"], start=D(2009, 1, 1),
                               end=timezone.localdate())
    assert [t.code for t in scope.towns] == ["341824100"]
    assert sections.findings_section(scope).figures[0][1] == "0"  # 临溪镇's six findings are not his
    county = sections.scope_for(user=demo_all["auditor"], division=demo["341824"], start=D(2009, 1, 1),
                                end=timezone.localdate())
    assert sections.findings_section(county).figures[0][1] == "6"


def test_a_worker_lost_midway_is_finished_by_the_redelivery(people, demo, tmp_path):
    bundle = ask(people["office"], demo["341824101"], start=D(2026, 1, 1))
    Bundle.objects.filter(pk=bundle.pk).update(state=Bundle.State.RUNNING, sections_done=3, sections_total=7,
                                               started_at=timezone.now())
    tasks_bundle.generate_bundle_task(bundle.pk)
    bundle.refresh_from_db()
    assert bundle.state == Bundle.State.DONE and bundle.sections_done == 7
    assert "临溪镇" in pdf_text(bundle.pdf.read())
    assert len(list((tmp_path / "bundles").rglob("*.pdf"))) == 1


def test_download_only_through_the_check(people, demo, client):
    bundle = ask(people["auditor"], demo["341824"], start=D(2026, 1, 1))
    tasks_bundle.generate_bundle_task(bundle.pk)
    bundle.refresh_from_db()
    url = bundle.pdf.url
    assert url.startswith("/files/oversight.bundle/")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login") or \
        response["Location"].startswith("/login")
    for name, status in (("auditor", 200), ("office", 200), ("admin", 200), ("clerk_linxi", 404),
                         ("clerk_other", 404), ("superior", 404), ("nobody", 404)):
        client.force_login(people[name])
        response = client.get(url)
        assert response.status_code == status, name
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    # the page offers the link; the API gives it
    client.force_login(people["auditor"])
    page = client.get(f"/oversight/bundles/{bundle.pk}/")
    assert url in page.content.decode() and 'data-testid="bundle-download"' in page.content.decode()
    api = client.get(f"/api/v1/oversight/bundles/{bundle.pk}/")
    assert api.status_code == 200 and api.json()["download_url"] == url and api.json()["page_count"] >= 7


def test_out_of_scope_bundle_is_404(people, demo, client):
    elsewhere = ask(people["admin"], demo["441900"], start=D(2026, 1, 1))
    tasks_bundle.generate_bundle_task(elsewhere.pk)
    elsewhere.refresh_from_db()
    client.force_login(people["auditor"])
    assert client.get(elsewhere.pdf.url).status_code == 404
    assert client.get(f"/oversight/bundles/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/oversight/bundles/{elsewhere.pk}/status/").status_code == 404
    assert client.get(f"/api/v1/oversight/bundles/{elsewhere.pk}/").status_code == 404


def test_asking_is_checked(people, demo):
    auditor = people["auditor"]
    with pytest.raises(ApplicationError) as refused:
        ask(auditor, demo["441900"])
    assert refused.value.code == "bundle_scope"
    with pytest.raises(ApplicationError) as refused:
        ask(auditor, demo["341824"], start=D(2026, 6, 1), end=D(2026, 1, 1))
    assert refused.value.code == "bundle_period"
    with pytest.raises(ApplicationError):
        ask(people["clerk_linxi"], demo["341824101"])  # a town's clerk does not audit
    assert not Bundle.objects.exists()


def test_status_page_polls_until_done(people, demo, client):
    bundle = ask(people["auditor"], demo["341824"], start=D(2026, 1, 1))
    client.force_login(people["auditor"])
    status = client.get(f"/oversight/bundles/{bundle.pk}/status/").content.decode()
    assert 'hx-trigger="every 1s"' in status and 'data-state="queued"' in status
    tasks_bundle.generate_bundle_task(bundle.pk)
    status = client.get(f"/oversight/bundles/{bundle.pk}/status/").content.decode()
    assert "hx-trigger" not in status and 'data-state="done"' in status and "bundle-download" in status

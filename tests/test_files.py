"""No file without a check (issue 10): stored files are served by core/files.py only, after the
owning app's scope; never from a public /media/ route."""

import datetime
import importlib
import re
from urllib.parse import quote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from core import files
from delegation import services
from delegation.models import Agreement
from regions.models import Department
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scan(personas, demo):
    """An agreement of 临溪镇 with a scan whose name is Chinese, stored as an upload would be."""
    department = Department.objects.get(code="341824-FGW")
    agreement = services.agreement_create(
        actor=personas["office"], number="绩委协〔2026〕77号", department=department, division=demo["341824101"],
        department_signatory="局长", receiver_signatory="镇长", signed_on=datetime.date(2026, 1, 5),
    )
    agreement.scan.save("临溪镇 协议.pdf", ContentFile(PDF), save=True)
    return agreement


def _url(agreement):
    return files.url_for(agreement, "scan")


def test_no_public_media_route_even_with_debug_or_run():
    """The old route (static()/serve under DEBUG or KUOQUAN_SERVE_MEDIA) is gone for good."""
    import config.urls

    try:
        with override_settings(DEBUG=True, SERVE_MEDIA=True):
            importlib.reload(config.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve("/media/agreements/2026/x.pdf")
            with pytest.raises(Resolver404):
                resolve("/media/imports/2026/12/exercise_record.csv")
    finally:
        importlib.reload(config.urls)
        clear_url_caches()


def test_run_does_not_ask_for_media_serving():
    from core.management.commands.run_stack import Command

    env = Command()._child_env(var=None, debug=False)
    assert "KUOQUAN_SERVE_MEDIA" not in env


def test_stored_name_is_unguessable_and_keeps_the_original_name(scan):
    assert re.fullmatch(r"agreements/\d{4}/[0-9a-f]{32}/临溪镇_协议\.pdf", scan.scan.name), scan.scan.name
    assert scan.scan.url == _url(scan) == reverse(
        "files:download", kwargs={"model": "delegation.agreement", "pk": scan.pk, "field": "scan"})


@pytest.mark.parametrize("who", ["office", "clerk_linxi", "auditor", "admin"])
def test_those_who_see_the_agreement_download_its_scan(client_for, personas, scan, who):
    response = client_for(personas[who]).get(_url(scan))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    # A PDF opens in the browser, named as uploaded (RFC 5987 for the Chinese, ASCII fallback).
    assert response["Content-Disposition"] == (
        "inline; filename=\"_.pdf\"; filename*=UTF-8''%E4%B8%B4%E6%BA%AA%E9%95%87_%E5%8D%8F%E8%AE%AE.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["clerk_other", "nobody"])
def test_a_scan_outside_the_scope_is_404(client_for, personas, scan, who):
    assert client_for(personas[who]).get(_url(scan)).status_code == 404


def test_anonymous_is_sent_to_login(client, scan):
    response = client.get(_url(scan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_model_field_or_id_is_404(client_for, personas, scan):
    c = client_for(personas["admin"])
    for kwargs in ({"model": "delegation.agreement", "pk": scan.pk, "field": "number"},
                   {"model": "auth.user", "pk": personas["admin"].pk, "field": "password"},
                   {"model": "delegation.agreement", "pk": "abc", "field": "scan"},
                   {"model": "delegation.agreement", "pk": scan.pk + 1000, "field": "scan"}):
        assert c.get(reverse("files:download", kwargs=kwargs)).status_code == 404


def test_api_token_downloads_and_the_api_links_the_checked_url(api_for, personas, scan):
    office = api_for(personas["office"])
    body = office.get(f"/api/v1/delegation/agreements/{scan.pk}/").json()
    assert body["scan"].endswith(_url(scan)) and "/media/" not in body["scan"]
    assert office.get(_url(scan)).status_code == 200
    assert api_for(personas["clerk_other"]).get(_url(scan)).status_code == 404


def test_pages_link_the_checked_url(client_for, personas, scan):
    c = client_for(personas["office"])
    for page in (reverse("delegation:agreement-list"), reverse("delegation:agreement-detail", args=[scan.pk])):
        html = c.get(page).content.decode()
        assert _url(scan) in html and "/media/" not in html


@override_settings(KQ_FILES_ACCEL="nginx", KQ_FILES_ACCEL_PREFIX="/protected-files/")
def test_nginx_sends_the_bytes_after_the_check(client_for, personas, scan):
    response = client_for(personas["office"]).get(_url(scan))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-files/" + quote(scan.scan.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    other = client_for(personas["clerk_other"]).get(_url(scan))
    assert other.status_code == 404 and "X-Accel-Redirect" not in other


@override_settings(KQ_FILES_ACCEL="apache")
def test_apache_sends_the_bytes_after_the_check(client_for, personas, scan):
    response = client_for(personas["office"]).get(_url(scan))
    assert response["X-Sendfile"] == quote(scan.scan.path)
    assert "X-Sendfile" not in client_for(personas["clerk_other"]).get(_url(scan))


def test_active_content_is_a_download_never_inline(client_for, personas, scan):
    """An .html or .svg that got stored is offered as a file to save, not run in our origin."""
    for name, expected_type in (("x.html", "text/html"), ("x.svg", "image/svg+xml"), ("x.bin", "application/octet-stream")):
        scan.scan.save(name, ContentFile(b"<script>alert(1)</script>"), save=True)
        response = client_for(personas["office"]).get(_url(scan))
        assert response["Content-Type"].startswith(expected_type)
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_missing_stored_file_is_404_not_500(client_for, personas, scan):
    scan.scan.storage.delete(scan.scan.name)
    assert client_for(personas["office"]).get(_url(scan)).status_code == 404


def test_registering_without_a_check_is_refused():
    with pytest.raises(ImproperlyConfigured):
        files.register(Agreement, "scan")


def test_url_for_an_unregistered_field_fails_loudly(scan):
    with pytest.raises(ImproperlyConfigured):
        files.url_for(scan, "number")


def test_system_check_names_every_unregistered_file_field(monkeypatch):
    monkeypatch.setattr(files, "_registry", {})
    found = {m.obj.model._meta.label_lower + "." + m.obj.name for m in files.check_registered()}
    assert "delegation.agreement.scan" in found
    assert all(m.id == "kq.files.W001" for m in files.check_registered())
    monkeypatch.undo()
    assert [m for m in files.check_registered()] == []


def test_content_disposition_of_names():
    assert files.content_disposition("a.pdf", inline=False) == 'attachment; filename="a.pdf"'
    assert files.content_disposition('a"b.csv', inline=False) == 'attachment; filename="a_b.csv"'
    assert files.content_disposition("错误报告.csv", inline=False) == (
        "attachment; filename=\"file.csv\"; filename*=UTF-8''%E9%94%99%E8%AF%AF%E6%8A%A5%E5%91%8A.csv")

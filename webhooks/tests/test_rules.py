"""The URL rules (SSRF) and the API's refusals of a bad subscription, as structured JSON."""

from __future__ import annotations

import pytest

from webhooks.models import Subscription, url_problem


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://example.org", "javascript:alert(1)",
                                 "http://", "http://user:pw@example.org/"])
def test_only_http_urls_with_a_host(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    assert url_problem(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8171/", "http://localhost/", "http://10.0.0.1/", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1/"])
def test_internal_addresses_refused_unless_allowed(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    assert url_problem(url)
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    assert url_problem(url) is None


def test_public_urls_pass(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    assert url_problem("https://hooks.example.org/kq") is None
    assert url_problem("http://8.8.8.8:8080/x") is None


@pytest.mark.django_db
def test_api_refusals_are_structured(personas, demo, api_for, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    api = api_for(personas["superior"])
    url = "/api/v1/webhooks/subscriptions/"
    good = {"name": "县级订阅", "url": "https://hooks.example.org/kq", "division": demo["341824"].pk,
            "event_types": ["item.published"]}
    for change, field in (({"url": "ftp://hooks.example.org/kq"}, "url"),
                          ({"url": "http://169.254.169.254/"}, "url"),
                          ({"division": demo["441900"].pk}, "division"),  # 东莞市: outside 宣城市
                          ({"event_types": ["item.deleted"]}, "event_types"),
                          ({"event_types": []}, "event_types")):
        response = api.post(url, {**good, **change}, format="json")
        assert response.status_code == 400, (change, response.content)
        error = response.json()["error"]
        assert error["message"] and field in error["fields"], error
    assert not Subscription.objects.exists()
    created = api.post(url, good, format="json")
    assert created.status_code == 201 and len(created.json()["secret"]) == 64
    # the office (a role that subscribes to nothing) is refused; another user never sees the row
    assert api_for(personas["office"]).post(url, good, format="json").status_code == 403
    other = api_for(personas["admin"]).get(f"{url}{created.json()['id']}/")
    assert other.status_code == 200 and other.json()["secret"] is None  # the owner's alone
    assert api_for(personas["auditor"]).get(f"{url}{created.json()['id']}/").status_code == 404

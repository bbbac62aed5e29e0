"""The edit page and its live preview, the API's steps, the templates' sandbox: what the persona
matrix does not look at (it checks who gets through, not what they get)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import ApplicationError
from plans import services, templating
from plans.choices import Section
from regions.models import Division

from .factories import plan

LINXI = "341824101"


@pytest.fixture
def office(demo):
    return get_user_model().objects.get(username="office")


def test_preview_renders_markdown_safely(office):
    p = plan(Division.objects.get(code=LINXI), actor=office)
    client = Client()
    client.force_login(office)
    edit = client.get(reverse("plans:edit", args=[p.pk])).content.decode()
    assert f'hx-post="{reverse("plans:preview", args=[p.pk])}"' in edit and 'hx-target="#preview"' in edit
    assert "<script>" not in edit.split("</main>")[0].split("<main")[-1]  # no inline script in the page body
    response = client.post(reverse("plans:preview", args=[p.pk]), {
        "markdown": "# 标题\n\n正文<script>alert(1)</script>\n\n![图](http://example.com/a.png)\n\n[链接](javascript:alert(1))"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>标题</h1>" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "<img" not in html and 'href="javascript' not in html
    assert "7 字" in html and "还差 1496 字" in html  # 标题正文图链接: 7 汉字, the markup and the URLs not counted
    assert p.versions.count() == 1  # a preview saves nothing


def test_api_save_version_and_redraft(office):
    p = plan(Division.objects.get(code=LINXI), actor=office)
    client = APIClient()
    client.force_authenticate(office)
    url = reverse("plans-api:plan-save-version", args=[p.pk])
    response = client.post(url, {"markdown": "# 方案\n\n汉字十个汉字十个汉字", "note": "接口"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["length"] == {"chars": 12, "minimum": 1503, "short_by": 1491, "reached": False, "verdict": "还差 1491 字"}
    again = client.post(url, {"markdown": "# 方案\n\n汉字十个汉字十个汉字"}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "unchanged"
    response = client.post(reverse("plans-api:plan-redraft", args=[p.pk]), {}, format="json")
    assert response.json()["versions"][0]["kind"] == "draft" and len(response.json()["versions"]) == 3


def test_templates_reach_nothing_but_their_fields(office):
    county = Division.objects.get(code="341824")
    for body in ('{% include "base.html" %}', "{% load static %}{% static 'x' %}", "{{ secret }}", "{% if %}"):
        with pytest.raises(ApplicationError):
            services.template_update(division=county, section=Section.FINANCE, heading="财政", body=body,
                                     missing_text="缺", actor=office)
    assert templating.fill("{{ town }}{{ base_amount }}", {"town": "临溪镇", "base_amount": "1.00元"}) == "临溪镇1.00元"
    with pytest.raises(ApplicationError):
        templating.fill("{{ town }}{{ settings }}", {"town": "临溪镇"})

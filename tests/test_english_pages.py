"""English everywhere (issue 9): every page reachable from the navigation, as each persona, in
English, shows no Chinese text that is not data.

The crawl starts at the home page and follows every link on it (the navigation bar, the area
cards and the sub-navigation), then one further link per list page (a detail page). What is
data is what the database holds: every Chinese value of a text column of the project's models
(division, department, item and applicant names, decision numbers, holiday names …) is cut out
of the page; whatever Chinese remains — in the text, in a <title>, in an attribute such as
title= or aria-label= — is an untranslated label, choice, unit or message.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

# Han characters, and the ideographic and full-width punctuation (。，（）) of a Chinese sentence.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]+")
PERSONAS = ("office", "clerk_linxi", "auditor", "superior", "admin")
PROJECT_APPS = ("core", "regions", "personnel", "delegation", "finance", "landuse", "oversight",
                "notifications", "ledger")
# Not pages of this UI: files, the API and its docs, logging out, switching language, Django admin
# internals, static files.
SKIP = re.compile(r"^/(api|static|media|i18n|accounts/logout|__)|\.(pdf|xlsx|csv|json|svg|png)$|/(export|download)/?|/pdf/?$")
FORM = re.compile(r"/(new|import|manual|notice)/$")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)')


@pytest.fixture
def site(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    return personas


def data_strings() -> list[str]:
    """Every Chinese value of a text column in the project's tables, longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS and model._meta.app_label != "auth":
            continue
        if model._meta.app_label.endswith("event") or model.__name__.endswith("Event"):
            continue  # pghistory snapshots repeat the values of the tracked rows
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        for name in names:
            for value in model.objects.exclude(**{name: ""}).values_list(name, flat=True).distinct()[:5000]:
                if value and CJK.search(value):
                    found.add(value)
                    found.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(found, key=len, reverse=True)


def visible_chinese(page: str, data: list[str]) -> list[str]:
    """The Chinese left on a page once scripts and data values are removed (with some context)."""
    page = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", page, flags=re.S)
    page = html_lib.unescape(page)
    # One pass, leftmost-longest, so that a value run together with another ("绩溪县" + "县城管局")
    # is cut as two values. The language menu names Chinese in Chinese, on purpose.
    page = re.sub("|".join(map(re.escape, [*data, "简体中文"])), " ", page)
    return [page[max(0, m.start() - 40):m.end() + 40].replace("\n", " ") for m in CJK.finditer(page)]


def links(page: str) -> list[str]:
    out = []
    for href in HREF.findall(page):
        href = html_lib.unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        out.append(parts.path)
    return list(dict.fromkeys(out))


def english_client(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def crawl(client) -> dict[str, str]:
    """Home, every page it links to, the first not yet visited link of each (a detail page), and
    the forms they link to."""
    pages: dict[str, str] = {}

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if "text/html" in response.get("Content-Type", ""):
            pages[path] = response.content.decode()
        return pages.get(path, "")

    home = get("/")
    first_level = [p for p in links(home) if p != "/"]
    for path in first_level:
        get(path)
    for path in first_level:
        for link in links(pages.get(path, "")):
            if link not in pages and re.search(r"\d", link):
                get(link)
                break
    # The forms the lists offer (new item, new record, import, holiday entry …).
    for path in first_level:
        for link in links(pages.get(path, "")):
            if link not in pages and FORM.search(link):
                response = client.get(link)
                if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                    pages[link] = response.content.decode()
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_navigation_page_is_english(site, client_for, persona):
    client = english_client(client_for, site[persona])
    pages = crawl(client)
    assert len(pages) >= 8, sorted(pages)  # the crawl did reach the lists and their details
    for page in pages.values():
        assert '<html lang="en">' in page
    data = data_strings()
    assert data, "no Chinese demo data found: the data filter would hide nothing"
    untranslated = {path: found for path, page in pages.items() if (found := visible_chinese(page, data))}
    assert not untranslated, "\n".join(f"{path}: {found[:6]}" for path, found in untranslated.items())


@pytest.mark.django_db
def test_the_check_sees_chinese_labels(site, client_for):
    """The same pages in Chinese are full of Chinese outside data, so the check can fail."""
    client = client_for(site["office"])
    page = client.get("/").content.decode()
    assert any("工作台" in found for found in visible_chinese(page, data_strings()))


@pytest.mark.django_db
def test_language_menu_names_each_language_in_itself(site, client_for):
    for code in ("en", "zh-hans"):
        client = client_for(site["office"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        page = client.get("/").content.decode()
        assert re.search(r'<option value="zh-hans"( selected)?>简体中文</option>', page)
        assert re.search(r'<option value="en"( selected)?>English</option>', page)
        assert "英语" not in page


def test_units_choices_and_messages_follow_the_language():
    """What Python builds — units, choice labels, field messages — is English under English."""
    from django.utils import translation

    from core.deadlines import DeadlineRule
    from core.messages import max_length_message, required_message
    from delegation.choices import Category, FilingState

    rules = [DeadlineRule.parse(code) for code in ("1M", "3M", "1D", "30D", "20WD")]
    assert [str(r) for r in rules] == ["1个月", "3个月", "1日", "30日", "20个工作日"]
    with translation.override("en"):
        assert [str(r) for r in rules] == ["1 month", "3 months", "1 day", "30 days", "20 working days"]
        assert str(Category.LICENSING.label) == "Administrative licensing"
        assert str(FilingState.OVERDUE.label) == "Overdue, not filed"
        assert required_message("Applicant") == "Applicant is required."
        assert max_length_message("Applicant") % {"limit_value": 200, "show_value": 230} == (
            "Applicant: at most 200 characters (it has 230).")
    assert str(Category.LICENSING.label) == "行政许可"
    assert required_message("申请人") == "请填写申请人。"

"""English UI through Django's i18n: Chinese by default, English after /i18n/setlang/ or from
the browser's Accept-Language; the committed catalogue (locale/en) is complete and compiled.

Msgids are the Chinese strings of the templates, so a Chinese page needs no catalogue at all
and an English page needs locale/en/LC_MESSAGES/django.mo, committed so that no machine needs
GNU gettext at runtime.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

LOGIN = "/accounts/login/"
SETLANG = "/i18n/setlang/"
LOCALE_EN = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

# The area names of the navigation bar, Chinese msgid → English.
# The header's labels: the short English forms (msgctxt "header") keep it one row at 1366 px
# (tests/test_browser_header.py); the pages and cards use the full ones.
NAV_AREAS = {
    "事权下放": "Delegation",
    "财政": "Finance",
    "编制与干部": "Staffing",
    "用地指标": "Land quotas",
    "督查考核": "Oversight",
    "行政区划": "Divisions",
}


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)">', response.content.decode())
    assert match, "no <html lang> on the page"
    return match.group(1)


def nav(response) -> str:
    """The navigation bar only, so that body text cannot satisfy a navigation assertion."""
    html = response.content.decode()
    return html[html.index('<ul class="navbar-nav'):html.index("</ul>", html.index('<ul class="navbar-nav'))]


def switch_language(client, code: str, next_url: str = "/"):
    response = client.post(SETLANG, {"language": code, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    return response


# --- Chinese by default ---------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert html_lang(page) == "zh-hans"
    html = page.content.decode()
    assert "登录扩权强镇管理平台" in html
    assert ">登录</button>" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(personas, client_for):
    page = client_for(personas["clerk_linxi"]).get("/")
    assert page.status_code == 200
    assert html_lang(page) == "zh-hans"
    bar = nav(page)
    for chinese, english in NAV_AREAS.items():
        assert f">{chinese}</a>" in bar
        assert english not in bar
    assert "工作台" in page.content.decode()


# --- English on request ---------------------------------------------------------------------


@pytest.mark.django_db
def test_set_language_switches_the_login_page_to_english_and_back(client):
    switch_language(client, "en", LOGIN)
    page = client.get(LOGIN)
    assert html_lang(page) == "en"
    html = page.content.decode()
    assert "Log in to the Kuoquan Town Empowerment Platform" in html
    assert ">Log in</button>" in html
    assert ">Username</label>" in html and ">Password</label>" in html
    assert "登录" not in html

    switch_language(client, "zh-hans", LOGIN)
    page = client.get(LOGIN)
    assert html_lang(page) == "zh-hans"
    assert ">登录</button>" in page.content.decode()


@pytest.mark.django_db
def test_set_language_switches_the_home_page_to_english(personas, client_for):
    client = client_for(personas["clerk_linxi"])
    switch_language(client, "en")
    page = client.get("/")
    assert page.status_code == 200
    assert html_lang(page) == "en"
    bar = nav(page)
    for chinese, english in NAV_AREAS.items():
        assert f">{english}</a>" in bar
        assert chinese not in bar
    html = page.content.decode()
    assert "Dashboard" in html and "工作台" not in html
    assert "Your jurisdiction: " in html
    assert "Log out" in html and "退出" not in html
    # The language menu marks the language in use.
    assert '<option value="en" selected>English</option>' in html


@pytest.mark.django_db
def test_records_page_headings_in_english(personas, client_for):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    client = client_for(personas["clerk_linxi"])
    switch_language(client, "en", reverse("delegation:record-list"))
    page = client.get(reverse("delegation:record-list"))
    assert page.status_code == 200
    assert html_lang(page) == "en"
    html = page.content.decode()
    assert '<h1 class="h4">Exercise records and filing</h1>' in html
    for heading in ("Decision no.", "Item", "Applicant", "Receiving body", "Decided on", "Outcome",
                    "Filing due", "Filed on", "Filing status"):
        assert f"<th>{heading}</th>" in html
    for chinese in ("办件记录与备案", "<th>决定文号</th>", "<th>备案状态</th>", "上一页", "已逾期未备案："):
        assert chinese not in html
    # Sentences built around values, with English word order and plural.
    assert re.search(r"Overdue, not filed: [1-9]\d*", html)
    assert re.search(r"\(\d+ days? overdue\)", html)
    # Data stays as entered: the decision numbers are Chinese document numbers.
    assert "临城罚〔2026〕7号" in html
    # The delegation sub-navigation (msgctxt "navigation") says "Agreements".
    assert ">Agreements</a>" in html


@pytest.mark.django_db
def test_records_page_stays_chinese_without_a_choice(personas, client_for):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    page = client_for(personas["clerk_linxi"]).get(reverse("delegation:record-list"))
    html = page.content.decode()
    assert html_lang(page) == "zh-hans"
    assert '<h1 class="h4">办件记录与备案</h1>' in html
    assert "<th>决定文号</th>" in html
    assert re.search(r"已逾期未备案：[1-9]\d*", html)
    assert re.search(r"（逾期\d+天）", html)
    assert "Exercise records" not in html


@pytest.mark.django_db
def test_item_filing_rule_sentence_in_english(personas, client_for):
    from delegation.demo import load_demo_delegation
    from delegation.models import Item

    load_demo_delegation()
    item = Item.objects.get(code="JX-CGJ-001")
    client = client_for(personas["office"])
    url = reverse("delegation:item-detail", args=[item.pk])
    zh = client.get(url).content.decode()
    assert re.search(r'data-testid="filing-rule">作出决定后\S+内报县城管局备案</dd>', zh)
    switch_language(client, "en", url)
    en = client.get(url).content.decode()
    # The unit of the rule (DeadlineRule.__str__, 1个月) is English too.
    assert re.search(r'data-testid="filing-rule">File with 县城管局 within \d+ (months?|days?|working days?) of the decision</dd>', en)


@pytest.mark.django_db
@pytest.mark.parametrize(("accept", "lang"), [
    ("en", "en"),
    ("en-US,en;q=0.9", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
    ("fr-FR,fr;q=0.9", "zh-hans"),  # not offered: the default
])
def test_accept_language_for_an_anonymous_login_page(client, accept, lang):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(page) == lang
    assert (">Log in</button>" in page.content.decode()) == (lang == "en")


@pytest.mark.django_db
def test_an_explicit_choice_beats_the_browser_language(client):
    switch_language(client, "zh-hans", LOGIN)
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(page) == "zh-hans"
    assert ">登录</button>" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_is_refused_by_set_language(client):
    response = client.post(SETLANG, {"language": "xx", "next": LOGIN})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert html_lang(client.get(LOGIN)) == "zh-hans"


# --- The committed catalogue ----------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as written by makemessages (one entry per blank-line block)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line[2:]
            elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_catalogue_is_complete_and_compiled():
    """Every msgid has English, none is fuzzy, and the committed .mo says what the .po says."""
    entries = read_po(LOCALE_EN / "django.po")
    assert len(entries) > 200
    mo = gettext.GNUTranslations((LOCALE_EN / "django.mo").open("rb"))
    for e in entries:
        assert "fuzzy" not in e.get("flags", ""), e["msgid"]
        if "msgid_plural" in e:
            one, many = e["msgstr[0]"], e["msgstr[1]"]
            assert one and many, e["msgid"]
            assert mo.ngettext(e["msgid"], e["msgid_plural"], 1) == one
            assert mo.ngettext(e["msgid"], e["msgid_plural"], 5) == many
        elif "msgctxt" in e:
            assert e["msgstr"], e["msgid"]
            assert mo.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"]
        else:
            assert e["msgstr"], e["msgid"]
            assert mo.gettext(e["msgid"]) == e["msgstr"]
        # Placeholders survive translation.
        source = e["msgid"] + e.get("msgid_plural", "")
        target = e.get("msgstr", "") + e.get("msgstr[0]", "") + e.get("msgstr[1]", "")
        assert set(re.findall(r"%\((\w+)\)s", source)) == set(re.findall(r"%\((\w+)\)s", target)), e["msgid"]


CALL = re.compile(r"\b(gettext|pgettext|ngettext|_)\(((?:\s*u?'(?:[^'\\]|\\.)*'\s*,?)+)\)")


def covered_templates() -> list[Path]:
    """The templates the English catalogue must cover: all but delegation/import_*.html, which
    are still being written and are covered when the catalogue is next regenerated."""
    paths = [TEMPLATES / "base.html", TEMPLATES / "home.html"]
    for folder in ("registration", "includes", "regions", "core", "delegation"):
        paths += sorted(p for p in (TEMPLATES / folder).glob("*.html") if not p.name.startswith("import_"))
    return paths


def template_msgids() -> set[tuple]:
    found = set()
    for path in covered_templates():
        for func, args in CALL.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            values = ast.literal_eval(f"({args},)")
            found.add((func, *values[:2]) if func in ("pgettext", "ngettext") else ("gettext", values[0]))
    return found


def test_every_template_string_has_english():
    msgids = template_msgids()
    assert len(msgids) > 200
    assert ("gettext", "扩权强镇管理平台") in msgids  # the extraction works
    mo = gettext.GNUTranslations((LOCALE_EN / "django.mo").open("rb"))
    missing = []
    for func, *args in msgids:
        if func == "pgettext":
            english = mo.pgettext(*args)
        elif func == "ngettext":
            english = mo.ngettext(*args, 2)
        else:
            english = mo.gettext(args[0])
        if english == args[-1] or re.search(r"[\u4e00-\u9fff]", english):
            missing.append(args)
    assert not missing, (
        "No English for these template strings; run manage.py makemessages -l en --ignore=.venv "
        f"--ignore=var --ignore=bench, translate, then compilemessages --ignore=.venv: {missing}"
    )

"""Jurisdiction scoping through the HTML pages on the demo hierarchy: exact lists, rows above the
persona 404, the edit flow. The refusals every page gets are the persona matrix's (regions/tests/test_matrix.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions import services
from regions.models import Department, Division
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")


def division_url(code: str) -> str:
    return f"/regions/divisions/{Division.objects.get(code=code).pk}/"


def department_url(code: str, suffix: str = "") -> str:
    return f"/regions/departments/{Department.objects.get(code=code).pk}/{suffix}"


@pytest.fixture
def linxi_department(demo):
    return services.department_create(division=demo["341824101"], code="341824101-CZS", name="财政所")


def listed_division_codes(response) -> set[str]:
    """The codes in the first column of the division table."""
    table = response.content.decode().split('data-testid="division-list"', 1)[1].split("</table>", 1)[0]
    return set(re.findall(r"<tr><td>(\d+)</td>", table))


VISIBLE_DIVISION_CODES = {
    "office": {"341824", "341824101", "341824100", "341824103"},
    "auditor": {"341824", "341824101", "341824100", "341824103"},
    "clerk_linxi": {"341824101"},
    "clerk_other": {"341824100"},
    "superior": {"341800", "341824", "341824101", "341824100", "341824103"},
    "nobody": set(),
}


@pytest.mark.django_db
def test_division_list_shows_exactly_the_subtree(personas, client_for, subtests):
    for persona, codes in VISIBLE_DIVISION_CODES.items():
        with subtests.test(persona=persona):
            response = client_for(personas[persona]).get("/regions/divisions/")
            assert response.status_code == 200
            assert listed_division_codes(response) == codes
    response = client_for(personas["admin"]).get("/regions/divisions/")
    assert listed_division_codes(response) == set(Division.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_department_list_shows_only_the_subtree(personas, client_for, linxi_department):
    page = client_for(personas["clerk_linxi"]).get("/regions/departments/").content.decode()
    assert "341824101-CZS" in page
    assert "341824-FGW" not in page and "441900-FGW" not in page
    page = client_for(personas["office"]).get("/regions/departments/").content.decode()
    assert "341824-FGW" in page and "341824101-CZS" in page
    assert "341800-FGW" not in page and "441900-FGW" not in page


@pytest.mark.django_db
def test_division_detail_outside_scope_is_404(personas, client_for, subtests):
    cases = [("clerk_linxi", "341824100"), ("clerk_other", "341824101"), ("clerk_linxi", "341824"),
             ("office", "341800"), ("office", "441900"), ("auditor", "441900102"), ("superior", "340000"),
             ("nobody", "341824101")]
    for persona, code in cases:
        with subtests.test(persona=persona, division=code):
            client = client_for(personas[persona])
            assert client.get(division_url(code)).status_code == 404
            assert client.get(division_url(code) + "?tab=history").status_code == 404


@pytest.mark.django_db
def test_department_outside_scope_is_404_for_read_and_edit(personas, client_for, linxi_department, subtests):
    cases = [("office", "441900-FGW"), ("office", "341800-FGW"), ("clerk_linxi", "341824-FGW"),
             ("clerk_other", "341824101-CZS"), ("auditor", "510681-SJJ"), ("nobody", "341824-FGW")]
    for persona, code in cases:
        with subtests.test(persona=persona, department=code):
            client = client_for(personas[persona])
            assert client.get(department_url(code)).status_code == 404
            assert client.get(department_url(code, "edit/")).status_code == 404
            assert client.post(department_url(code, "edit/"), {"name": "改名", "is_active": "on"}).status_code == 404
            assert Department.objects.get(code=code).name != "改名"


@pytest.mark.django_db
def test_department_edit_without_write_role_is_403(personas, client_for, linxi_department, subtests):
    cases = [("clerk_linxi", "341824101-CZS"), ("auditor", "341824-FGW"), ("superior", "341824-FGW"),
             ("superior", "341800-FGW")]
    for persona, code in cases:
        with subtests.test(persona=persona, department=code):
            client = client_for(personas[persona])
            detail = client.get(department_url(code))
            assert detail.status_code == 200
            assert department_url(code, "edit/") not in detail.content.decode()  # no edit button offered
            assert client.get(department_url(code, "edit/")).status_code == 403
            assert client.post(department_url(code, "edit/"), {"name": "改名", "is_active": "on"}).status_code == 403
            assert Department.objects.get(code=code).name != "改名"


@pytest.mark.django_db
def test_office_edits_department_and_history_tab_shows_it(personas, client_for):
    client = client_for(personas["office"])
    edit_url = department_url("341824-CZJ", "edit/")
    detail_url = department_url("341824-CZJ")

    assert edit_url in client.get(detail_url).content.decode()  # the edit button is offered
    form = client.get(edit_url)
    assert form.status_code == 200
    assert 'name="name"' in form.content.decode()

    response = client.post(edit_url, {"name": "财政局（国资委）", "is_active": ""})
    assert response.status_code == 302
    assert response["Location"] == detail_url
    department = Department.objects.get(code="341824-CZJ")
    assert (department.name, department.is_active) == ("财政局（国资委）", False)

    history = client.get(detail_url + "?tab=history")
    assert history.status_code == 200
    page = history.content.decode()
    table = page.split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    name = personas["office"].get_full_name()
    assert name and name != "office"  # the demo's office has a name (绩溪县领导小组办公室)
    assert f"<td>{name}</td>" in table  # the operator column: the person's name, not the login
    assert '<span class="diff-before">财政局</span>' in table
    assert '<span class="diff-after">财政局（国资委）</span>' in table
    # and the plain details tab does not carry the history table
    assert 'data-testid="history"' not in client.get(detail_url).content.decode()


@pytest.mark.django_db
def test_office_edit_with_invalid_name_is_not_saved(personas, client_for):
    client = client_for(personas["office"])
    response = client.post(department_url("341824-CZJ", "edit/"), {"name": "", "is_active": "on"})
    assert response.status_code == 200  # the form again, with its error
    assert "text-danger" in response.content.decode()
    assert Department.objects.get(code="341824-CZJ").name == "财政局"


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    assert '<html lang="zh-hans">' in page


@pytest.mark.django_db
def test_language_switch_to_english_sets_lang(personas, client_for):
    client = client_for(personas["office"])
    assert '<html lang="zh-hans">' in client.get("/regions/divisions/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/regions/divisions/"})
    assert response.status_code == 302
    assert response["Location"] == "/regions/divisions/"
    page = client.get("/regions/divisions/")
    assert page["Content-Language"] == "en"
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "Administrative divisions" in html  # locale/en carries the translations
    assert "<td>341824101</td>" in html  # the same rows, only the labels change

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/regions/divisions/"})
    html = client.get("/regions/divisions/").content.decode()
    assert '<html lang="zh-hans">' in html and "行政区划" in html


@pytest.mark.django_db
def test_list_pages_query_count_does_not_grow_with_rows(personas, client_for, django_assert_max_num_queries):
    client = client_for(personas["office"])
    baseline = {}
    for url in ("/regions/divisions/", "/regions/departments/"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        baseline[url] = len(ctx.captured_queries)

    jixi = Division.objects.get(code="341824")
    Department.objects.bulk_create(
        Department(division=jixi, code=f"341824-BULK{i:03d}", name=f"测试部门{i:03d}") for i in range(120)
    )
    Division.objects.bulk_create(
        Division(code=f"341824{200 + i:03d}", name=f"测试镇{i}", level="town", parent=jixi,
                 path=f"{jixi.path}341824{200 + i:03d}/")
        for i in range(120)
    )
    for url in ("/regions/divisions/", "/regions/departments/"):
        with django_assert_max_num_queries(baseline[url]):
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'href="?after=' in page and "page-item disabled" in page  # full first page, next link


@pytest.mark.django_db
def test_division_detail_query_count_does_not_grow_with_departments(personas, client_for,
                                                                   django_assert_max_num_queries):
    client = client_for(personas["office"])
    url = division_url("341824")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    jixi = Division.objects.get(code="341824")
    Department.objects.bulk_create(
        Department(division=jixi, code=f"341824-BULK{i:03d}", name=f"测试部门{i:03d}") for i in range(60)
    )
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200

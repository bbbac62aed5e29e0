"""Jurisdiction scoping through the REST API, persona by persona.

What each persona sees (exactly its subtree), what it gets 404 for (rows outside it), what it
may not change (403), and that the office's change lands in the history with its name.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions import services
from regions.models import Department, Division

DIVISIONS = "/api/v1/regions/divisions/"
DEPARTMENTS = "/api/v1/regions/departments/"

JIXI_SUBTREE = {"绩溪县", "临溪镇", "华阳镇", "上庄镇"}
ALL_DIVISIONS = JIXI_SUBTREE | {"安徽省", "宣城市", "广东省", "东莞市", "石龙镇", "塘厦镇", "四川省", "德阳市", "广汉市"}

# Division names each persona must see, exactly.
VISIBLE_DIVISIONS = {
    "office": JIXI_SUBTREE,
    "auditor": JIXI_SUBTREE,
    "clerk_linxi": {"临溪镇"},
    "clerk_other": {"华阳镇"},
    "superior": JIXI_SUBTREE | {"宣城市"},
    "admin": ALL_DIVISIONS,
}
# Codes of the divisions whose departments each persona must see, exactly (towns have their
# own 财政所 added by the ``town_departments`` fixture).
VISIBLE_DEPARTMENT_DIVISIONS = {
    "office": {"341824", "341824101", "341824100"},
    "auditor": {"341824", "341824101", "341824100"},
    "clerk_linxi": {"341824101"},
    "clerk_other": {"341824100"},
    "superior": {"341800", "341824", "341824101", "341824100"},
    "admin": {"341800", "341824", "441900", "510600", "510681", "341824101", "341824100"},
}


@pytest.fixture
def town_departments(demo):
    """A 财政所 in 临溪镇 and in 华阳镇, so the clerks have a department to look at."""
    return {
        code: services.department_create(division=demo[code], code=f"{code}-CZS", name="财政所")
        for code in ("341824101", "341824100")
    }


def collect(client, url: str) -> list[dict]:
    """Every row of a cursor-paginated list, following ``next``."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        url = body["next"]
    return rows


def assert_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(VISIBLE_DIVISIONS))
def test_division_list_is_exactly_the_subtree(persona, personas, api_for):
    rows = collect(api_for(personas[persona]), DIVISIONS)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    assert set(names) == VISIBLE_DIVISIONS[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(VISIBLE_DEPARTMENT_DIVISIONS))
def test_department_list_is_exactly_the_subtree(persona, personas, api_for, town_departments):
    rows = collect(api_for(personas[persona]), DEPARTMENTS)
    expected = Department.objects.filter(division__code__in=VISIBLE_DEPARTMENT_DIVISIONS[persona])
    assert sorted(r["id"] for r in rows) == sorted(expected.values_list("id", flat=True))
    # admin sees more than one page (80+ rows at 50 a page): the cursor walk must be complete.
    if persona == "admin":
        assert len(rows) == Department.objects.count() > 50


@pytest.mark.django_db
def test_user_without_membership_is_refused(personas, api_for):
    client = api_for(personas["nobody"])
    assert_error(client.get(DIVISIONS), 403, "permission_denied")
    assert_error(client.get(DEPARTMENTS), 403, "permission_denied")


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DIVISIONS, DEPARTMENTS])
def test_anonymous_is_refused(url, demo, api_for):
    response = api_for(None).get(url)
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "division_code"),
    [
        ("clerk_linxi", "341824100"),  # the other town of the same county
        ("clerk_other", "341824101"),
        ("clerk_linxi", "341824"),  # its own county, above it
        ("office", "341800"),  # the city above the county
        ("office", "441900"),  # another province
        ("auditor", "441900102"),
        ("superior", "340000"),  # the province above the city
        ("superior", "441900"),
    ],
)
def test_division_outside_scope_is_404(persona, division_code, personas, api_for):
    pk = Division.objects.get(code=division_code).pk
    client = api_for(personas[persona])
    assert_error(client.get(f"{DIVISIONS}{pk}/"), 404, "not_found")
    assert_error(client.get(f"{DIVISIONS}{pk}/history/"), 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "department_code"),
    [
        ("office", "441900-FGW"),  # 东莞市
        ("office", "341800-FGW"),  # the city above
        ("auditor", "510681-SJJ"),
        ("clerk_linxi", "341824100-CZS"),  # 华阳镇's department
        ("clerk_linxi", "341824-FGW"),  # the county's department
        ("clerk_other", "341824101-CZS"),
        ("superior", "441900-CZJ"),
    ],
)
def test_department_outside_scope_is_404(persona, department_code, personas, api_for, town_departments):
    pk = Department.objects.get(code=department_code).pk
    client = api_for(personas[persona])
    assert_error(client.get(f"{DEPARTMENTS}{pk}/"), 404, "not_found")
    assert_error(client.get(f"{DEPARTMENTS}{pk}/history/"), 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "department_code"),
    [("office", "341824-FGW"), ("clerk_linxi", "341824101-CZS"), ("superior", "341800-CZJ"),
     ("auditor", "341824-SJJ"), ("admin", "441900-FGW")],
)
def test_department_inside_scope_is_readable(persona, department_code, personas, api_for, town_departments):
    department = Department.objects.get(code=department_code)
    response = api_for(personas[persona]).get(f"{DEPARTMENTS}{department.pk}/")
    assert response.status_code == 200
    assert response.json()["code"] == department_code


@pytest.mark.django_db
def test_office_patch_in_scope_is_saved_and_recorded(personas, api_for):
    office = personas["office"]
    department = Department.objects.get(code="341824-FGW")
    client = api_for(office)

    response = client.patch(f"{DEPARTMENTS}{department.pk}/", {"name": "发展和改革委员会"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "发展和改革委员会"
    department.refresh_from_db()
    assert department.name == "发展和改革委员会"
    assert department.updated_by == office

    history = client.get(f"{DEPARTMENTS}{department.pk}/history/")
    assert history.status_code == 200
    update = history.json()[0]  # newest first
    assert update["label"] == "update"
    assert update["user"] == "office"
    assert update["url"] == f"{DEPARTMENTS}{department.pk}/"
    assert update["changes"]["name"] == {"before": "发改委", "after": "发展和改革委员会"}


@pytest.mark.django_db
def test_office_patch_cannot_move_a_department(personas, api_for):
    """code and division are read only: a PATCH naming them changes nothing there."""
    department = Department.objects.get(code="341824-FGW")
    elsewhere = Division.objects.get(code="441900")
    response = api_for(personas["office"]).patch(
        f"{DEPARTMENTS}{department.pk}/", {"division": elsewhere.pk, "code": "X-1"}, format="json"
    )
    assert response.status_code == 200
    department.refresh_from_db()
    assert (department.division.code, department.code) == ("341824", "341824-FGW")


@pytest.mark.django_db
@pytest.mark.parametrize("department_code", ["441900-FGW", "341800-FGW"])
def test_office_patch_outside_scope_is_404(department_code, personas, api_for):
    department = Department.objects.get(code=department_code)
    response = api_for(personas["office"]).patch(f"{DEPARTMENTS}{department.pk}/", {"name": "改名"}, format="json")
    assert_error(response, 404, "not_found")
    department.refresh_from_db()
    assert department.name != "改名"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "department_code"),
    [("clerk_linxi", "341824101-CZS"), ("clerk_other", "341824100-CZS"), ("auditor", "341824-SJJ"),
     ("auditor", "341824-FGW"), ("superior", "341800-FGW"), ("superior", "341824-FGW")],
)
def test_patch_without_write_role_is_403(persona, department_code, personas, api_for, town_departments):
    department = Department.objects.get(code=department_code)
    client = api_for(personas[persona])
    assert client.get(f"{DEPARTMENTS}{department.pk}/").status_code == 200  # it is visible …
    response = client.patch(f"{DEPARTMENTS}{department.pk}/", {"name": "改名"}, format="json")
    assert_error(response, 403, "permission_denied")  # … but not changeable
    department.refresh_from_db()
    assert department.name != "改名"


@pytest.mark.django_db
def test_anonymous_patch_is_refused(demo, api_for):
    department = Department.objects.get(code="341824-FGW")
    response = api_for(None).patch(f"{DEPARTMENTS}{department.pk}/", {"name": "改名"}, format="json")
    assert response.status_code in (401, 403)
    assert_error(response, response.status_code, "not_authenticated")
    department.refresh_from_db()
    assert department.name == "发改委"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["office", "admin"])
def test_delete_department_is_not_allowed(persona, personas, api_for):
    department = Department.objects.get(code="341824-FGW")
    response = api_for(personas[persona]).delete(f"{DEPARTMENTS}{department.pk}/")
    assert_error(response, 405, "method_not_allowed")
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("admin", 405), ("office", 403), ("clerk_linxi", 403)])
def test_delete_division_is_not_allowed(persona, status, personas, api_for):
    """No DELETE route at all; non-writers are turned away by the permission check first."""
    division = Division.objects.get(code="341824101")
    response = api_for(personas[persona]).delete(f"{DIVISIONS}{division.pk}/")
    assert_error(response, status)
    assert Division.objects.filter(pk=division.pk).exists()


@pytest.mark.django_db
def test_divisions_are_read_only_even_for_office(personas, api_for):
    division = Division.objects.get(code="341824101")
    response = api_for(personas["office"]).patch(f"{DIVISIONS}{division.pk}/", {"name": "改名"}, format="json")
    assert response.status_code in (403, 405)
    assert "error" in response.json()
    division.refresh_from_db()
    assert division.name == "临溪镇"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DIVISIONS, DEPARTMENTS])
def test_cursor_pagination_has_no_count(url, personas, api_for):
    client = api_for(personas["admin"])
    body = client.get(f"{url}?page_size=5").json()
    assert set(body) == {"next", "previous", "results"}
    assert len(body["results"]) == 5
    assert body["previous"] is None and "cursor=" in body["next"]

    second = client.get(body["next"]).json()
    assert second["previous"] and "cursor=" in second["previous"]
    first_ids = {r["id"] for r in body["results"]}
    assert first_ids.isdisjoint(r["id"] for r in second["results"])
    assert client.get(second["previous"]).json()["results"] == body["results"]


def _bulk_departments(division: Division, n: int) -> None:
    Department.objects.bulk_create(
        Department(division=division, code=f"{division.code}-BULK{i:04d}", name=f"测试部门{i:04d}") for i in range(n)
    )


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["office", "superior", "admin"])
@pytest.mark.parametrize("url", [DIVISIONS, DEPARTMENTS, "/api/v1/regions/pilots/", "/api/v1/regions/memberships/"])
def test_list_query_count_does_not_grow_with_rows(url, persona, personas, api_for, django_assert_max_num_queries):
    client = api_for(personas[persona])
    baseline = _query_count(client, f"{url}?page_size=500")

    _bulk_departments(Division.objects.get(code="341824"), 300)
    jixi = Division.objects.get(code="341824")
    Division.objects.bulk_create(
        Division(code=f"341824{200 + i:03d}", name=f"测试镇{i}", level="town", parent=jixi, path=f"{jixi.path}341824{200 + i:03d}/")
        for i in range(100)
    )
    response = client.get(f"{url}?page_size=500")
    if url in (DIVISIONS, DEPARTMENTS):
        assert len(response.json()["results"]) >= 100  # the new rows are really on the page

    with django_assert_max_num_queries(baseline):
        assert client.get(f"{url}?page_size=500").status_code == 200

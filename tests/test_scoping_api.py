"""Jurisdiction scoping through the REST API, persona by persona, on the demo hierarchy.

What each persona sees (exactly its subtree), the rows above it that are 404 too, and that the
office's change lands in the history with its name. The refusals every endpoint gets (anonymous,
no membership, 403 without the role, DELETE 405) are the persona matrix's: regions/tests/test_matrix.py.

Loading the demo hierarchy costs ~0.3 s, so each test walks all personas as subtests of one
setup rather than one parametrized test per persona.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing.http import assert_error, collect
from regions import services
from regions.models import Department, Division
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

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
# Codes of the divisions whose departments each persona must see, exactly (the two towns get
# a 财政所 from the ``town_departments`` fixture, so the clerks have something to look at).
VISIBLE_DEPARTMENT_DIVISIONS = {
    "office": {"341824", "341824101", "341824100"},
    "auditor": {"341824", "341824101", "341824100"},
    "clerk_linxi": {"341824101"},
    "clerk_other": {"341824100"},
    "superior": {"341800", "341824", "341824101", "341824100"},
    "admin": {"341800", "341824", "441900", "510600", "510681", "341824101", "341824100"},
}

# (persona, division code) pairs outside the persona's jurisdiction.
DIVISIONS_OUT_OF_SCOPE = [
    ("clerk_linxi", "341824100"),  # the other town of the same county
    ("clerk_other", "341824101"),
    ("clerk_linxi", "341824"),  # its own county, above it
    ("office", "341800"),  # the city above the county
    ("office", "441900"),  # another province
    ("auditor", "441900102"),
    ("superior", "340000"),  # the province above the city
    ("superior", "441900"),
]
DEPARTMENTS_OUT_OF_SCOPE = [
    ("office", "441900-FGW"),  # 东莞市
    ("office", "341800-FGW"),  # the city above
    ("auditor", "510681-SJJ"),
    ("clerk_linxi", "341824100-CZS"),  # 华阳镇's
    ("clerk_linxi", "341824-FGW"),  # its county's
    ("clerk_other", "341824101-CZS"),
    ("superior", "441900-CZJ"),
]


@pytest.fixture
def town_departments(demo):
    return {
        code: services.department_create(division=demo[code], code=f"{code}-CZS", name="财政所")
        for code in ("341824101", "341824100")
    }


@pytest.mark.django_db
def test_division_list_is_exactly_the_subtree(personas, api_for, subtests):
    for persona, expected in VISIBLE_DIVISIONS.items():
        with subtests.test(persona=persona):
            names = [r["name"] for r in collect(api_for(personas[persona]), DIVISIONS)]
            assert len(names) == len(set(names))
            assert set(names) == expected


@pytest.mark.django_db
def test_department_list_is_exactly_the_subtree(personas, api_for, town_departments, subtests):
    for persona, codes in VISIBLE_DEPARTMENT_DIVISIONS.items():
        with subtests.test(persona=persona):
            rows = collect(api_for(personas[persona]), DEPARTMENTS)
            expected = Department.objects.filter(division__code__in=codes).values_list("id", flat=True)
            assert sorted(r["id"] for r in rows) == sorted(expected)
    # The administrator's list spans two pages (80+ rows, 50 a page): the cursor walk is complete.
    assert len(collect(api_for(personas["admin"]), DEPARTMENTS)) == Department.objects.count() > 50


@pytest.mark.django_db
def test_division_outside_scope_is_404(personas, api_for, subtests):
    for persona, code in DIVISIONS_OUT_OF_SCOPE:
        with subtests.test(persona=persona, division=code):
            pk = Division.objects.get(code=code).pk
            client = api_for(personas[persona])
            assert_error(client.get(f"{DIVISIONS}{pk}/"), 404, "not_found")
            assert_error(client.get(f"{DIVISIONS}{pk}/history/"), 404, "not_found")


@pytest.mark.django_db
def test_department_outside_scope_is_404(personas, api_for, town_departments, subtests):
    for persona, code in DEPARTMENTS_OUT_OF_SCOPE:
        with subtests.test(persona=persona, department=code):
            pk = Department.objects.get(code=code).pk
            client = api_for(personas[persona])
            assert_error(client.get(f"{DEPARTMENTS}{pk}/"), 404, "not_found")
            assert_error(client.get(f"{DEPARTMENTS}{pk}/history/"), 404, "not_found")


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
    assert history.json()[-1]["label"] == "insert"


@pytest.mark.django_db
def test_office_patch_cannot_move_a_department(personas, api_for):
    """code and division are read only: a PATCH naming them changes neither."""
    department = Department.objects.get(code="341824-FGW")
    elsewhere = Division.objects.get(code="441900")
    response = api_for(personas["office"]).patch(
        f"{DEPARTMENTS}{department.pk}/", {"division": elsewhere.pk, "code": "X-1"}, format="json"
    )
    assert response.status_code == 200
    department.refresh_from_db()
    assert (department.division.code, department.code) == ("341824", "341824-FGW")


@pytest.mark.django_db
def test_office_patch_outside_scope_is_404(personas, api_for):
    client = api_for(personas["office"])
    for code in ("441900-FGW", "341800-FGW"):
        department = Department.objects.get(code=code)
        response = client.patch(f"{DEPARTMENTS}{department.pk}/", {"name": "改名"}, format="json")
        assert_error(response, 404, "not_found")
        department.refresh_from_db()
        assert department.name != "改名"


@pytest.mark.django_db
def test_divisions_cannot_be_changed_or_deleted(personas, api_for):
    """No write route at all (405); roles that write nothing here are turned away first (403)."""
    division = Division.objects.get(code="341824101")
    url = f"{DIVISIONS}{division.pk}/"
    assert_error(api_for(personas["admin"]).delete(url), 405, "method_not_allowed")
    assert_error(api_for(personas["admin"]).patch(url, {"name": "改名"}, format="json"), 405, "method_not_allowed")
    for persona in ("office", "clerk_linxi"):
        assert_error(api_for(personas[persona]).delete(url), 403, "permission_denied")
        assert_error(api_for(personas[persona]).patch(url, {"name": "改名"}, format="json"), 403)
    division.refresh_from_db()
    assert division.name == "临溪镇"


@pytest.mark.django_db
def test_cursor_pagination_has_no_count(personas, api_for):
    client = api_for(personas["admin"])
    for url in (DIVISIONS, DEPARTMENTS):
        body = client.get(f"{url}?page_size=5").json()
        assert set(body) == {"next", "previous", "results"}  # no "count": no COUNT(*)
        assert len(body["results"]) == 5
        assert body["previous"] is None and "cursor=" in body["next"]

        second = client.get(body["next"]).json()
        assert second["previous"] and "cursor=" in second["previous"]
        assert {r["id"] for r in body["results"]}.isdisjoint(r["id"] for r in second["results"])
        assert client.get(second["previous"]).json()["results"] == body["results"]


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


LIST_URLS = [DIVISIONS, DEPARTMENTS, "/api/v1/regions/pilots/", "/api/v1/regions/memberships/"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(personas, api_for, django_assert_max_num_queries, subtests):
    personas_checked = ("office", "superior", "admin")
    baseline = {
        (persona, url): _query_count(api_for(personas[persona]), f"{url}?page_size=500")
        for persona in personas_checked for url in LIST_URLS
    }

    jixi = Division.objects.get(code="341824")
    Department.objects.bulk_create(
        Department(division=jixi, code=f"341824-BULK{i:04d}", name=f"测试部门{i:04d}") for i in range(300)
    )
    Division.objects.bulk_create(
        Division(code=f"341824{200 + i:03d}", name=f"测试镇{i}", level="town", parent=jixi,
                 path=f"{jixi.path}341824{200 + i:03d}/")
        for i in range(100)
    )

    for persona in personas_checked:
        client = api_for(personas[persona])
        for url in LIST_URLS:
            with subtests.test(persona=persona, url=url):
                with django_assert_max_num_queries(baseline[persona, url]):
                    response = client.get(f"{url}?page_size=500")
                assert response.status_code == 200
                if url in (DIVISIONS, DEPARTMENTS):
                    assert len(response.json()["results"]) >= 100  # the new rows are on the page

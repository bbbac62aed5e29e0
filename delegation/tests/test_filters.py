"""Filters of every list (issue 6 §3): choices scoped like the rows, yes/no read as 全部/是/否,
and a wrong filter is an error (400 in the API, a message and no rows on the page), never the
whole list."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from delegation import filtersets as delegation_filtersets
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord
from regions import filtersets as regions_filtersets
from regions.filtersets import ScopedFilterSet
from regions.models import Department, Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

RECORDS_API = "/api/v1/delegation/exercise-records/"
OUT_OF_SCOPE = {"广东省", "东莞市", "四川省", "德阳市", "广汉市", "石龙镇", "塘厦镇"}


@pytest.fixture
def catalogue(personas):
    load_demo_delegation()


def select_options(html: str, name: str) -> list[str]:
    """The option labels of the <select name=...> in ``html``."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return [label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", match.group(1), re.S)]


# --- choices scoped like the rows -------------------------------------------------------------
@pytest.mark.parametrize("persona", ["office", "clerk_linxi", "auditor"])
def test_division_and_department_filters_offer_only_divisions_in_scope(personas, client_for, persona):
    c = client_for(personas[persona])
    parents = select_options(c.get("/regions/divisions/").content.decode(), "parent")
    divisions = select_options(c.get("/regions/departments/").content.decode(), "division")
    for offered in (parents, divisions):
        assert not OUT_OF_SCOPE & set(offered), offered
        assert "安徽省" not in offered and "宣城市" not in offered  # above the county: not in scope
    expected = {"office": "绩溪县", "auditor": "绩溪县", "clerk_linxi": "临溪镇"}[persona]
    assert expected in divisions
    if persona == "clerk_linxi":
        assert set(divisions) - {"---------"} == {"临溪镇"}


def test_out_of_scope_choice_is_refused_not_answered(personas, client_for, api_for):
    guangdong = Division.objects.get(code="440000")
    page = client_for(personas["office"]).get("/regions/divisions/", {"parent": guangdong.pk})
    assert page.status_code == 200
    assert list(page.context["object_list"]) == []
    assert 'data-testid="filter-errors"' in page.content.decode()
    response = api_for(personas["office"]).get("/api/v1/regions/divisions/", {"parent": guangdong.pk})
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_item_filter_offers_departments_of_visible_items_only(personas, client_for, catalogue):
    html = client_for(personas["clerk_linxi"]).get(reverse("delegation:item-list")).content.decode()
    offered = select_options(html, "department")
    assert any("发改委" in o for o in offered)  # the county's departments publish the town's catalogue
    assert not any(code in o for o in offered for code in ("东莞", "广东", "四川", "德阳", "广汉"))


def test_every_filterset_scopes_its_choices():
    """New FilterSets inherit the mechanism: each one in regions and delegation is a ScopedFilterSet."""
    import django_filters

    found = [
        obj for module in (regions_filtersets, delegation_filtersets) for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, django_filters.FilterSet) and obj.__name__.endswith("FilterSet")
        and obj.__module__ == module.__name__ and obj is not ScopedFilterSet
    ]
    assert len(found) >= 7
    assert all(issubclass(cls, ScopedFilterSet) for cls in found), [c for c in found if not issubclass(c, ScopedFilterSet)]


# --- yes/no -----------------------------------------------------------------------------------
def test_yes_no_filter_reads_all_yes_no(personas, client_for, api_for):
    c = client_for(personas["office"])
    assert select_options(c.get("/regions/departments/").content.decode(), "is_active") == ["全部", "是", "否"]
    active = c.get("/regions/departments/", {"is_active": "true"}).context["object_list"]
    assert active and all(d.is_active for d in active)
    # Any other value is an error, not "no filter".
    page = c.get("/regions/departments/", {"is_active": "maybe"})
    assert list(page.context["object_list"]) == []
    assert "请选择“是”或“否”" in page.content.decode()
    response = api_for(personas["office"]).get("/api/v1/regions/departments/", {"is_active": "maybe"})
    assert response.status_code == 400 and "is_active" in response.json()["error"]["fields"]


# --- a wrong filter is an error ---------------------------------------------------------------
def test_invalid_date_filter_is_400_in_the_api(personas, api_for, catalogue):
    response = api_for(personas["office"]).get(RECORDS_API, {"decided_on_after": "2026-02-30"})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert "筛选条件有误" in error["message"]
    assert "decided_on" in error["fields"]
    # The same parameters filter when they are right.
    rows = api_for(personas["office"]).get(RECORDS_API, {"decided_on_after": "2026-11-01"}).json()["results"]
    assert rows and all(r["decided_on"] >= "2026-11-01" for r in rows)


def test_unknown_filter_is_400_naming_it(personas, api_for, catalogue):
    response = api_for(personas["office"]).get(RECORDS_API, {"decided_on_min": "2026-11-01"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "decided_on_min" in fields
    assert "没有名为“decided_on_min”的筛选条件" in fields["decided_on_min"][0]
    # Pagination and format parameters are not filters.
    assert api_for(personas["office"]).get(RECORDS_API, {"page_size": 2, "format": "json",
                                                         "outcome": "approved"}).status_code == 200


def test_invalid_date_filter_shows_an_error_and_no_rows_on_the_page(personas, client_for, catalogue):
    assert ExerciseRecord.objects.exists()
    response = client_for(personas["clerk_linxi"]).get(reverse("delegation:record-list"), {"decided_on_after": "2026-02-30"})
    assert response.status_code == 200
    assert response.context["object_list"] == []
    html = response.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "办结日期（起止）" in html.split('data-testid="filter-errors"', 1)[1].split("</div>", 1)[0]
    # The export of that list is not the whole set either.
    from delegation.importing import export_queryset

    assert not export_queryset("exercise_record", personas["clerk_linxi"],
                               filters={"decided_on_after": "2026-02-30"}).exists()


def test_department_filter_by_division_in_scope_still_works(personas, client_for):
    jixi = Division.objects.get(code="341824")
    rows = client_for(personas["office"]).get("/regions/departments/", {"division": jixi.pk}).context["object_list"]
    assert rows and {d.division_id for d in rows} == {jixi.pk}
    assert Department.objects.exclude(division=jixi).exists()

"""Change history is kept by database triggers, so every write path leaves a record, and
deletes of hierarchy rows are refused by the database itself."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import ProtectedError

from core.history import actor_context, history_for
from regions import services
from regions.models import Department, Division, Membership, PilotDesignation
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")


def name_changes(obj) -> list[dict]:
    return [row["changes"]["name"] for row in history_for(obj) if "name" in row["changes"]]


@pytest.mark.django_db
def test_orm_save_is_recorded(demo):
    department = Department.objects.get(code="341824-CZJ")
    department.name = "财政局（ORM）"
    department.save()
    assert name_changes(department) == [{"before": "财政局", "after": "财政局（ORM）"}]
    labels = [row["label"] for row in history_for(department)]
    assert labels == ["update", "insert"]


@pytest.mark.django_db
def test_bulk_update_is_recorded(demo):
    Department.objects.filter(division__code="341824").update(is_active=False)
    for department in Department.objects.filter(division__code="341824"):
        newest = history_for(department)[0]
        assert newest["label"] == "update"
        assert newest["changes"]["is_active"] == {"before": True, "after": False}


@pytest.mark.django_db
def test_bulk_create_is_recorded(demo):
    created = Department.objects.bulk_create([Department(division=demo["341824"], code="341824-NEW", name="数据局")])
    (row,) = history_for(Department.objects.get(pk=created[0].pk))
    assert row["label"] == "insert"
    assert row["data"]["name"] == "数据局"


@pytest.mark.django_db
def test_raw_sql_is_recorded(demo):
    department = Department.objects.get(code="341824-GTJ")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE regions_department SET name = %s WHERE id = %s", ["自然资源和规划局", department.pk])
    assert name_changes(department) == [{"before": "国土局", "after": "自然资源和规划局"}]


@pytest.mark.django_db
def test_division_changes_are_recorded(demo):
    town = demo["341824103"]
    Division.objects.filter(pk=town.pk).update(name="上庄镇（改）")
    assert name_changes(town) == [{"before": "上庄镇", "after": "上庄镇（改）"}]


@pytest.mark.django_db
def test_actor_context_attributes_changes_outside_a_request(personas):
    department = Department.objects.get(code="341824-JW")
    with actor_context(personas["office"], reason="机构改革"):
        Department.objects.filter(pk=department.pk).update(name="住建局")
    newest = history_for(department)[0]
    assert newest["user"] == "office"
    assert newest["reason"] == "机构改革"
    # A change after the block, in the same transaction, is not credited to the office.
    Department.objects.filter(pk=department.pk).update(name="住房和城乡建设局")
    assert history_for(department)[0]["user"] is None


@pytest.mark.django_db
def test_nested_actor_contexts_keep_their_own_actor(personas):
    """A system job that acts for two users in turn credits each change to its own user."""
    first = Department.objects.get(code="341824-SWJ")
    second = Department.objects.get(code="341824-AJJ")
    with actor_context(None, source="import"):
        services.department_update(department=first, actor=personas["office"], name="水利局")
        services.department_update(department=second, actor=personas["admin"], name="应急管理局")
        Department.objects.filter(pk=first.pk).update(is_active=False)
    assert [row["user"] for row in history_for(first)[:2]] == [None, "office"]
    assert history_for(second)[0]["user"] == "admin"
    assert history_for(first)[1]["changes"]["name"]["after"] == "水利局"


@pytest.mark.django_db
def test_request_changes_are_credited_to_the_requesting_user(personas, client_for):
    department = Department.objects.get(code="341824-SWJ")
    client = client_for(personas["office"])
    client.post(f"/regions/departments/{department.pk}/edit/", {"name": "水利局", "is_active": "on"})
    newest = history_for(department)[0]
    assert (newest["user"], newest["url"]) == ("office", f"/regions/departments/{department.pk}/edit/")


@pytest.mark.django_db
def test_history_for_costs_two_queries(personas, django_assert_num_queries):
    department = Department.objects.get(code="341824-HBJ")
    for i in range(10):
        services.department_update(department=department, actor=personas["office"], name=f"环保局{i}")
    with django_assert_num_queries(2):
        rows = history_for(department)
    assert len(rows) == 11
    assert {row["user"] for row in rows[:10]} == {"office"}


def _raw_delete(table: str, pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Division, {"code": "341824103"}),  # 上庄镇: no children, departments, pilots or members
        (Department, {"code": "341824-AJJ"}),
        (PilotDesignation, {"division__code": "341824101"}),
        (Membership, {"user__username": "clerk_linxi"}),
    ],
)
def test_delete_is_refused_by_the_database(model, lookup, personas):
    obj = model.objects.get(**lookup)
    # Raw SQL: only the trigger stands in the way. pgtrigger's RAISE EXCEPTION is SQLSTATE P0001,
    # which psycopg 3 (and so Django) reports as ProgrammingError.
    with pytest.raises(ProgrammingError, match="pgtrigger: Cannot delete rows"):
        _raw_delete(model._meta.db_table, obj.pk)
    # Through the ORM the trigger fires too (or Django's on_delete=PROTECT refuses even earlier).
    with pytest.raises((ProgrammingError, ProtectedError)), transaction.atomic():
        obj.delete()
    with pytest.raises((ProgrammingError, ProtectedError)), transaction.atomic():
        model.objects.filter(pk=obj.pk).delete()
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_orm_delete_of_a_leaf_division_hits_the_trigger(demo):
    """No dependent rows, so Django's collector lets it through: the trigger must refuse it."""
    town = Division.objects.get(code="341824103")
    with pytest.raises(ProgrammingError, match="pgtrigger: Cannot delete rows"), transaction.atomic():
        town.delete()
    assert Division.objects.filter(pk=town.pk).exists()


@pytest.mark.django_db
def test_orm_delete_of_a_division_with_departments_is_protected(demo):
    county = Division.objects.get(code="341824")
    with pytest.raises(ProtectedError), transaction.atomic():
        county.delete()
    assert Division.objects.filter(pk=county.pk).exists()


@pytest.mark.django_db
def test_division_constraints_hold_for_raw_writes(demo):
    """A province with a parent breaks a CHECK constraint, whichever way it is written."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Division.objects.filter(code="340000").update(parent=demo["441900"])

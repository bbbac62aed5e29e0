"""The one scoping mechanism: what each persona sees and may change."""

import pytest

from regions import scoping
from regions.models import Department, Division
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")


@pytest.mark.django_db
def test_clerk_sees_only_own_town(personas, demo):
    visible = set(scoping.scope(Division.objects.all(), personas["clerk_linxi"]).values_list("name", flat=True))
    assert visible == {"临溪镇"}


@pytest.mark.django_db
def test_office_sees_county_subtree_not_siblings(personas):
    visible = set(scoping.scope(Division.objects.all(), personas["office"]).values_list("name", flat=True))
    assert visible == {"绩溪县", "临溪镇", "华阳镇", "上庄镇"}


@pytest.mark.django_db
def test_superior_sees_city_subtree(personas):
    visible = set(scoping.scope(Division.objects.all(), personas["superior"]).values_list("name", flat=True))
    assert {"宣城市", "绩溪县", "临溪镇"} <= visible
    assert "东莞市" not in visible and "安徽省" not in visible


@pytest.mark.django_db
def test_write_scope_depends_on_role(personas):
    departments = Department.objects.filter(division__code="341824")
    assert scoping.scope(departments, personas["office"], scoping.CHANGE).count() == departments.count() > 0
    for name in ("clerk_linxi", "auditor", "superior", "nobody"):
        assert not scoping.scope(departments, personas[name], scoping.CHANGE).exists(), name
    assert scoping.can(personas["office"], scoping.CHANGE, departments.first())
    assert not scoping.can(personas["auditor"], scoping.CHANGE, departments.first())


@pytest.mark.django_db
def test_user_without_membership_sees_nothing(personas):
    assert not scoping.scope(Division.objects.all(), personas["nobody"]).exists()


@pytest.mark.django_db
def test_grants_are_loaded_once_per_user_object(personas, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(pk=personas["office"].pk)  # a fresh object, no cache
    with django_assert_num_queries(1):
        assert scoping.roles(office) == {"office"}
        scoping.grants(office)
        scoping.may_write_model(office, Department)


@pytest.mark.django_db
def test_several_memberships_add_up(personas, demo):
    from regions import services

    clerk = personas["clerk_linxi"]
    services.membership_grant(user=clerk, division=demo["441900116"], role="clerk")  # 塘厦镇 too
    fresh = type(clerk).objects.get(pk=clerk.pk)
    visible = set(scoping.scope(Division.objects.all(), fresh).values_list("name", flat=True))
    assert visible == {"临溪镇", "塘厦镇"}


@pytest.mark.django_db
def test_revoked_membership_grants_nothing(personas):
    from regions import services
    from regions.models import Membership

    auditor = personas["auditor"]
    for membership in Membership.objects.filter(user=auditor):
        services.membership_revoke(membership=membership, actor=personas["admin"])
    fresh = type(auditor).objects.get(pk=auditor.pk)
    assert not scoping.scope(Division.objects.all(), fresh).exists()


@pytest.mark.django_db
def test_inactive_superuser_sees_nothing(personas):
    admin = personas["admin"]
    admin.is_active = False
    assert not scoping.scope(Division.objects.all(), admin).exists()
    assert not scoping.can(admin, scoping.CHANGE, Department.objects.first())


@pytest.mark.django_db
def test_towns_directly_under_a_city(demo):
    """东莞 has no counties: a city-level grant reaches its towns directly (DOMAIN.md §1)."""
    from django.contrib.auth import get_user_model

    from regions import services

    user = get_user_model().objects.create_user("dg-audit", password="kuoquan-demo-x1")
    services.membership_grant(user=user, division=demo["441900"], role="auditor")
    visible = set(scoping.towns_visible(user).values_list("name", flat=True))
    assert visible == {"石龙镇", "塘厦镇"}
    departments = scoping.scope(Department.objects.all(), user)
    assert set(departments.values_list("division__code", flat=True)) == {"441900"}


@pytest.mark.django_db
def test_can_checks_unsaved_rows_by_their_division(personas, demo):
    """The create path: a department about to be added in or out of the office's county."""
    office = personas["office"]
    assert scoping.can(office, scoping.CHANGE, Department(division=demo["341824101"], code="X", name="X"))
    assert not scoping.can(office, scoping.CHANGE, Department(division=demo["341800"], code="Y", name="Y"))
    assert not scoping.can(personas["clerk_linxi"], scoping.CHANGE,
                           Department(division=demo["341824101"], code="Z", name="Z"))


@pytest.mark.django_db
def test_pilot_towns_selector_is_scoped(personas):
    from regions import selectors

    assert set(selectors.pilot_towns(user=personas["office"]).values_list("name", flat=True)) == {"临溪镇"}
    assert not selectors.pilot_towns(user=personas["clerk_other"]).exists()
    assert set(selectors.pilot_towns(user=personas["admin"]).values_list("name", flat=True)) == {
        "临溪镇", "石龙镇", "塘厦镇"}


def test_scoping_an_unscoped_model_is_refused():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with pytest.raises(TypeError, match="jurisdiction_field"):
        scoping.scope(User.objects.all(), User(username="x"))

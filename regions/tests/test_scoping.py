"""The one scoping mechanism: what each persona sees and may change."""

import pytest

from regions import scoping
from regions.models import Department, Division


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

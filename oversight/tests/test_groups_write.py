"""The office's writes on a leading group (issue 14 §1), pages and API: a member added (a
department of the group's own government only), a pilot town steered (inside the group's
division, a pilot, not yet steered). Refusals: 404 outside the scope, 403 without the office's
role, per-field Chinese errors on the page, structured 400 in the API, nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from oversight.choices import MemberRole
from oversight.models import GroupMember, SteeredTown
from regions.models import Membership
from regions.tests.factories import CountyFactory, DepartmentFactory, TownFactory

from .factories import group_with_towns

pytestmark = pytest.mark.urls("oversight.tests.urls_groups_o")


@pytest.fixture
def world(db, django_user_model):
    group, towns = group_with_towns(1)  # steers towns[0]
    county = group.division
    other_county = CountyFactory()

    def user(name, division, role):
        u = django_user_model.objects.create_user(name, password="x-long-password")
        Membership.objects.create(user=u, division=division, role=role)
        return u

    return {
        "group": group, "steered": towns[0],
        "free": TownFactory(parent=county), "not_pilot": TownFactory(parent=county, pilot=False),
        "outside": TownFactory(parent=other_county),
        "dept": DepartmentFactory(division=county), "foreign_dept": DepartmentFactory(division=other_county),
        "office": user("grp_office", county, "office"),
        "clerk": user("grp_auditor", county, "auditor"),  # reads the county's groups, writes none
        "other_office": user("grp_other_office", other_county, "office"),
    }


def page(user):
    c = Client()
    c.force_login(user)
    return c


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def members(group):
    return list(GroupMember.objects.filter(group=group).values_list("name", flat=True))


# --- pages -------------------------------------------------------------------------------------

def test_office_adds_a_member_and_a_town_on_the_groups_page(world):
    group, office = world["group"], page(world["office"])
    detail = reverse("oversight:group-detail", args=[group.pk])
    body = office.get(detail).content.decode()
    add_url, steer_url = (reverse("oversight:group-member-add", args=[group.pk]),
                          reverse("oversight:group-town-steer", args=[group.pk]))
    assert add_url in body and steer_url in body and "添加成员" in body and "增加指导镇" in body

    form = office.get(add_url).content.decode()
    assert world["dept"].name in form and world["foreign_dept"].name not in form
    r = office.post(add_url, {"name": " 张副组长 ", "post": "副县长", "department": world["dept"].pk,
                              "role": MemberRole.DEPUTY})
    assert r.status_code == 302 and r["Location"] == detail
    member = GroupMember.objects.get(group=group, name="张副组长")
    assert member.department == world["dept"] and member.updated_by == world["office"]

    form = office.get(steer_url).content.decode()
    assert world["free"].name in form and world["outside"].name not in form and world["steered"].name not in form
    r = office.post(steer_url, {"town": world["free"].pk})
    assert r.status_code == 302
    assert SteeredTown.objects.filter(group=group, town=world["free"], is_active=True).exists()
    assert world["free"].name in office.get(detail).content.decode()


def test_page_errors_per_field_write_nothing(world):
    group, office = world["group"], page(world["office"])
    before = members(group)
    r = office.post(reverse("oversight:group-member-add", args=[group.pk]),
                    {"name": "  ", "post": "副县长", "department": world["foreign_dept"].pk, "role": "boss"})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert set(errors) == {"name", "department", "role"}
    assert "请选择本级政府的部门。" in errors["department"]
    assert members(group) == before

    steer_url = reverse("oversight:group-town-steer", args=[group.pk])
    for town, message in ((world["outside"], "不在"), (world["not_pilot"], "不是扩权强镇试点镇"),
                          (world["steered"], "不能重复添加")):
        r = office.post(steer_url, {"town": town.pk})
        assert r.status_code == 200, town
        assert message in r.context["form"].errors["town"][0]
        assert message in r.content.decode()
    assert SteeredTown.objects.filter(group=group).count() == 1


def test_page_refusals(world):
    group = world["group"]
    add_url = reverse("oversight:group-member-add", args=[group.pk])
    steer_url = reverse("oversight:group-town-steer", args=[group.pk])
    clerk = page(world["clerk"])  # sees the group but is no office
    assert clerk.get(reverse("oversight:group-detail", args=[group.pk])).status_code == 200
    assert "添加成员" not in clerk.get(reverse("oversight:group-detail", args=[group.pk])).content.decode()
    assert clerk.get(add_url).status_code == 403
    assert clerk.post(add_url, {"name": "甲", "post": "乙", "role": MemberRole.MEMBER}).status_code == 403
    assert clerk.post(steer_url, {"town": world["free"].pk}).status_code == 403
    other = page(world["other_office"])
    assert other.post(add_url, {"name": "甲", "post": "乙", "role": MemberRole.MEMBER}).status_code == 404
    assert other.post(steer_url, {"town": world["free"].pk}).status_code == 404
    assert members(group) == ["王组长"] and SteeredTown.objects.filter(group=group).count() == 1


# --- API ---------------------------------------------------------------------------------------

def test_api_writes(world):
    group, office = world["group"], api(world["office"])
    r = office.post(reverse("oversight-api:group-members", args=[group.pk]),
                    {"name": "赵联络员", "post": "县发改委科员", "department": world["dept"].pk,
                     "role": MemberRole.LIAISON}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "赵联络员" and r.json()["department_name"] == world["dept"].name
    r = office.post(reverse("oversight-api:group-towns", args=[group.pk]), {"town": world["free"].pk}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["town"] == world["free"].pk
    assert SteeredTown.objects.get(group=group, town=world["free"]).updated_by == world["office"]


def test_api_refusals(world):
    group = world["group"]
    members_url = reverse("oversight-api:group-members", args=[group.pk])
    towns_url = reverse("oversight-api:group-towns", args=[group.pk])
    office = api(world["office"])
    r = office.post(members_url, {"name": "", "post": "副县长", "department": world["foreign_dept"].pk,
                                  "role": "boss"}, format="json")
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"name", "department", "role"}
    for town, message in ((world["outside"], "不在"), (world["not_pilot"], "不是扩权强镇试点镇"),
                          (world["steered"], "不能重复添加")):
        r = office.post(towns_url, {"town": town.pk}, format="json")
        assert r.status_code == 400 and message in r.json()["error"]["fields"]["town"][0], r.content
    clerk = api(world["clerk"])
    assert clerk.post(members_url, {"name": "甲", "post": "乙", "role": "member"}, format="json").status_code == 403
    assert clerk.post(towns_url, {"town": world["free"].pk}, format="json").status_code == 403
    other = api(world["other_office"])
    assert other.post(members_url, {"name": "甲", "post": "乙", "role": "member"}, format="json").status_code == 404
    assert other.post(towns_url, {"town": world["free"].pk}, format="json").status_code == 404
    assert members(group) == ["王组长"] and SteeredTown.objects.filter(group=group).count() == 1

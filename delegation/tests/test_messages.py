"""Validation messages in a clerk's words, the same through every way in (issue 6 §3: Django's
"包含 承接主体 和 决定文号 的 办件记录 已经存在。" and "确保该变量包含不超过 200 字符" leaked through)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from delegation import importing
from delegation.demo import load_demo_delegation
from delegation.models import ExerciseRecord, Item
from regions.models import Department, Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

RECORDS_API = "/api/v1/delegation/exercise-records/"
LONG = "某" * 230
TOO_LONG = "申请人最多200个字，现有230个字。"
STOCK = ("确保", "已经存在", "该字段", "这个字段", "不能为 null", "包含 ")


@pytest.fixture
def world(personas):
    load_demo_delegation()
    return {
        "clerk": personas["clerk_linxi"],
        "linxi": Division.objects.get(code="341824101"),
        "item": Item.objects.get(code="JX-FGW-001"),
        "existing": ExerciseRecord.objects.get(decision_number="临政备〔2026〕31号"),
    }


def record_data(world, **extra) -> dict:
    decided = timezone.localdate() - datetime.timedelta(days=3)
    return {
        "division": world["linxi"].pk, "item": world["item"].pk, "applicant": "临溪镇某企业",
        "received_on": (decided - datetime.timedelta(days=2)).isoformat(), "decided_on": decided.isoformat(),
        "outcome": "approved", "decision_number": "临政备〔2026〕90号", **extra,
    }


def assert_plain(messages) -> None:
    for message in messages:
        assert not any(stock in message for stock in STOCK), message


def test_record_form_says_which_field_is_too_long_and_by_how_much(client_for, world):
    response = client_for(world["clerk"]).post(reverse("delegation:record-create"), record_data(world, applicant=LONG))
    assert response.status_code == 200
    assert response.context["form"].errors["applicant"] == [TOO_LONG]
    assert TOO_LONG in response.content.decode()


def test_record_form_says_the_decision_number_is_already_registered(client_for, world):
    data = record_data(world, decision_number=world["existing"].decision_number)
    response = client_for(world["clerk"]).post(reverse("delegation:record-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == ["本单位（临溪镇）已登记决定文号为“临政备〔2026〕31号”的办件。"]


def test_record_form_names_a_missing_field(client_for, world):
    response = client_for(world["clerk"]).post(reverse("delegation:record-create"), record_data(world, applicant=""))
    assert response.context["form"].errors["applicant"] == ["请填写申请人。"]


def test_api_messages_name_the_field(api_for, world):
    client = api_for(world["clerk"])
    fields = client.post(RECORDS_API, record_data(world, applicant=LONG), format="json").json()["error"]["fields"]
    assert fields["applicant"] == [TOO_LONG]
    data = record_data(world)
    del data["applicant"]
    fields = client.post(RECORDS_API, data, format="json").json()["error"]["fields"]
    assert fields["applicant"] == ["请填写申请人。"]
    fields = client.post(RECORDS_API, record_data(world, item=999999), format="json").json()["error"]["fields"]
    assert fields["item"] == ["事项：没有 id 为 999999 的记录，或不在您的管辖范围内。"]
    response = client.post(RECORDS_API, record_data(world, decision_number=world["existing"].decision_number), format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    messages = [m for ms in body["fields"].values() for m in ms]
    assert "本单位（临溪镇）已登记决定文号为“临政备〔2026〕31号”的办件。" in messages
    assert_plain(messages)


def test_import_row_messages_name_the_field(world):
    row = {"承接主体": "341824101", "事项": "JX-FGW-001", "申请人": LONG, "受理日期": "2026-11-20",
           "办结（决定）日期": "2026-11-25", "办理结果": "准予", "决定文号": "临政备〔2026〕91号"}
    result = importing.import_exercise_records(rows=[row], actor=world["clerk"], dry_run=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "申请人", TOO_LONG)]


def test_item_import_and_model_messages_name_the_field(personas, world):
    item = world["item"]
    with pytest.raises(ValidationError) as exc:
        Item(code=item.code, name="x" * 201, category=item.category, department=item.department,
             legal_basis="x", route_before_approval="x", route_after_approval="x").full_clean()
    errors = exc.value.message_dict
    assert errors["name"] == ["事项名称最多200个字，现有201个字。"]
    assert errors["code"] == [f"已有事项编码为“{item.code}”的下放事项。"]
    row = {"事项编码": "JX-NEW-1", "事项名称": "y" * 205, "事项类别": item.get_category_display(),
           "下放部门": item.department.code, "实施依据（法律法规）": "某法", "下放前·审批机关": "县", "下放后·审批机关": "镇"}
    result = importing.import_catalogue(kind="item", rows=[row], actor=personas["office"], dry_run=True)
    assert ("事项名称", "事项名称最多200个字，现有205个字。") in [(e.column, e.message) for e in result.errors]


def test_department_form_message_names_the_field(personas, client_for):
    department = Department.objects.get(code="341824-FGW")
    response = client_for(personas["office"]).post(
        reverse("regions:department-edit", args=[department.pk]), {"name": "部" * 70, "is_active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["名称最多64个字，现有70个字。"]

"""The generic API base: a viewset declared on ServiceViewSet over a model core has (auth's
User, standing in for an app's model), with recording services.

What is asserted is what every app's API inherits: a declared workflow action parses its
input, reads the row through the scope first, calls its one service with the row and the
actor, maps domain errors to 400/409 and answers with the detail serializer; create and
update go through their service after the write check of the row they would produce; a PATCH
of read-only fields writes nothing; DELETE is 405; the schema documents all of it.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import permissions, serializers
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory, force_authenticate

from core.api.actions import WorkflowAction
from core.api.fields import ServiceRequiredField
from core.api.serializers import PlainModelSerializer, PlainSerializer
from core.api.viewsets import ServiceViewSet
from core.errors import ApplicationError, ConflictError

User = get_user_model()
calls: list[tuple[str, dict]] = []


def user_list(*, user):
    """The scope of the test: every user but those named hidden-*."""
    return User.objects.exclude(username__startswith="hidden")


def user_create(*, actor, **fields):
    calls.append(("create", {"actor": actor, **fields}))
    return User.objects.create(**fields)


def user_update(*, member, actor, **fields):
    calls.append(("update", {"member": member, "actor": actor, **fields}))
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    return member


def user_suspend(*, member, actor, reason, on=None):
    calls.append(("suspend", {"member": member, "actor": actor, "reason": reason, "on": on}))
    if not reason:
        raise ApplicationError("请填写理由。", code="reason_required", extra={"reason": ["请填写理由。"]})
    if not member.is_active:
        raise ConflictError("已暂停。", code="invalid_transition")
    member.is_active = False
    member.save()
    return member


def user_rename(*, member, actor, first_name):
    calls.append(("rename", {"member": member, "actor": actor, "first_name": first_name}))
    return member


class MemberSerializer(PlainModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "is_active", "date_joined"]
        read_only_fields = ["is_active", "date_joined"]


class SuspendInput(PlainSerializer):
    reason = ServiceRequiredField(max_length=50, label="理由")
    on = serializers.DateField(required=False, allow_null=True, default=None, label="生效日期")


class RenameInput(PlainSerializer):
    name = serializers.CharField(max_length=20)


class OnlyUnlocked(permissions.IsAuthenticated):
    """Writes only to rows (and rows about to be created) not named locked-*."""

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or not obj.username.startswith("locked")


class MemberViewSet(ServiceViewSet):
    queryset = User.objects.all()
    selector = user_list
    serializer_class = MemberSerializer
    permission_classes = [OnlyUnlocked]
    create_service = user_create
    update_service = user_update
    service_object = "member"
    actions = [
        WorkflowAction("suspend", service=user_suspend, input=SuspendInput, summary="暂停"),
        WorkflowAction("rename", service=user_rename, input=RenameInput, arguments="rename_arguments"),
    ]

    def rename_arguments(self, member, data):
        return {"first_name": data["name"].title()}


class ReadOnlyViewSet(ServiceViewSet):
    queryset = User.objects.all()
    selector = user_list
    serializer_class = MemberSerializer
    permission_classes = [OnlyUnlocked]


router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("readonly", ReadOnlyViewSet, basename="readonly")
urlpatterns = [path("api/test/", include(router.urls))]
factory = APIRequestFactory()


@pytest.fixture(autouse=True)
def _calls():
    calls.clear()


@pytest.fixture
def actor(db):
    return User.objects.create_user("actor")


def call(viewset, actor, method: str, action: str, data=None, pk=None):
    view = viewset.as_view({method: action})
    request = getattr(factory, method)("/api/test/x/", data, format="json")
    force_authenticate(request, user=actor)
    response = view(request, pk=pk) if pk is not None else view(request)
    response.render()
    return response


# --- declared workflow actions ----------------------------------------------------------------
def test_action_calls_its_service_with_row_actor_and_input_and_answers_the_detail(actor):
    member = User.objects.create_user("m1")
    response = call(MemberViewSet, actor, "post", "suspend", {"reason": "离岗", "on": "2026-11-03"}, pk=member.pk)
    assert response.status_code == 200, response.content
    assert calls == [("suspend", {"member": member, "actor": actor, "reason": "离岗", "on": datetime.date(2026, 11, 3)})]
    assert response.data == {**MemberSerializer(User.objects.get(pk=member.pk)).data, "is_active": False}


def test_action_refuses_invalid_input_before_the_service(actor):
    member = User.objects.create_user("m1")
    for payload, field in (({"reason": "x", "on": "2026-11-3"}, "on"), ({"reason": "x" * 51}, "reason")):
        response = call(MemberViewSet, actor, "post", "suspend", payload, pk=member.pk)
        assert response.status_code == 400
        assert response.data["error"]["code"] == "invalid"
        assert list(response.data["error"]["fields"]) == [field]
    assert calls == []


def test_action_maps_domain_errors_to_400_and_409(actor):
    member = User.objects.create_user("m1", is_active=False)
    missing = call(MemberViewSet, actor, "post", "suspend", {}, pk=member.pk)  # reason is the service's rule
    assert missing.status_code == 400 and missing.data["error"]["code"] == "reason_required"
    assert missing.data["error"]["fields"] == {"reason": ["请填写理由。"]}
    blank = call(MemberViewSet, actor, "post", "suspend", {"reason": "   "}, pk=member.pk)
    assert blank.status_code == 400 and blank.data["error"]["code"] == "reason_required"
    conflict = call(MemberViewSet, actor, "post", "suspend", {"reason": "再停"}, pk=member.pk)
    assert conflict.status_code == 409 and conflict.data["error"]["code"] == "invalid_transition"


def test_action_reads_the_row_through_the_scope_and_checks_the_write_first(actor):
    hidden = User.objects.create_user("hidden-1")
    locked = User.objects.create_user("locked-1")
    # 404 outside the scope and 403 without the write, whatever the input says.
    out = call(MemberViewSet, actor, "post", "suspend", {"on": "nonsense"}, pk=hidden.pk)
    assert out.status_code == 404 and out.data["error"]["code"] == "not_found"
    refused = call(MemberViewSet, actor, "post", "suspend", {"on": "nonsense"}, pk=locked.pk)
    assert refused.status_code == 403 and refused.data["error"]["code"] == "permission_denied"
    assert calls == []


def test_action_arguments_hook_turns_the_input_into_the_service_arguments(actor):
    member = User.objects.create_user("m1")
    assert call(MemberViewSet, actor, "post", "rename", {"name": "wang"}, pk=member.pk).status_code == 200
    assert calls == [("rename", {"member": member, "actor": actor, "first_name": "Wang"})]


# --- create, update, delete -------------------------------------------------------------------
def test_create_goes_through_the_service_with_the_actor(actor):
    response = call(MemberViewSet, actor, "post", "create", {"username": "new", "first_name": "新"})
    assert response.status_code == 201, response.content
    assert calls == [("create", {"actor": actor, "username": "new", "first_name": "新"})]
    assert response.data["id"] == User.objects.get(username="new").pk


def test_create_outside_the_write_scope_is_403_and_writes_nothing(actor):
    response = call(MemberViewSet, actor, "post", "create", {"username": "locked-new"})
    assert response.status_code == 403
    assert calls == [] and not User.objects.filter(username="locked-new").exists()


def test_update_goes_through_the_service_and_a_patch_of_read_only_fields_writes_nothing(actor):
    member = User.objects.create_user("m1")
    response = call(MemberViewSet, actor, "patch", "partial_update", {"first_name": "改"}, pk=member.pk)
    assert response.status_code == 200 and response.data["first_name"] == "改"
    assert calls == [("update", {"member": member, "actor": actor, "first_name": "改"})]
    calls.clear()
    response = call(MemberViewSet, actor, "patch", "partial_update", {"is_active": False, "date_joined": "2000-01-01"},
                    pk=member.pk)
    assert response.status_code == 200 and response.data["is_active"] is True
    assert calls == []


def test_update_moving_a_row_out_of_the_write_scope_is_403(actor):
    member = User.objects.create_user("m1")
    response = call(MemberViewSet, actor, "patch", "partial_update", {"username": "locked-m1"}, pk=member.pk)
    assert response.status_code == 403
    assert calls == [] and User.objects.get(pk=member.pk).username == "m1"


def test_only_declared_services_get_routes_and_delete_is_405(actor):
    member = User.objects.create_user("m1")
    assert not hasattr(ReadOnlyViewSet, "create") and not hasattr(ReadOnlyViewSet, "update")
    assert not hasattr(MemberViewSet, "destroy")
    view = MemberViewSet.as_view({"get": "retrieve", "patch": "partial_update"})
    request = factory.delete("/api/test/members/1/")
    force_authenticate(request, user=actor)
    response = view(request, pk=member.pk)
    response.render()
    assert response.status_code == 405 and response.data["error"]["code"] == "method_not_allowed"
    assert User.objects.filter(pk=member.pk).exists()


def test_a_strict_reference_refuses_a_fraction():
    from core.api.fields import StrictPrimaryKeyRelatedField

    field = StrictPrimaryKeyRelatedField(queryset=User.objects.all())
    for bad in (1.5, 1.0, "1.5", True, "", [1]):
        with pytest.raises(serializers.ValidationError):
            field.to_internal_value(bad)


# --- OpenAPI ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)


def test_schema_documents_the_declared_action(schema):
    operation = schema["paths"]["/api/test/members/{id}/suspend/"]["post"]
    assert operation["summary"] == "暂停"
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    component = schema["components"]["schemas"][body]
    assert component["required"] == ["reason"]  # the service requires it: so does the contract
    assert component["properties"]["reason"]["minLength"] == 1
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Member")
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "409", "429"}
    error = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "error" in schema["components"]["schemas"][error]["properties"]


def test_schema_lists_the_errors_of_every_operation_and_no_delete(schema):
    paths = schema["paths"]
    # 429: every operation is rate limited (core/api/throttling.py)
    assert set(paths["/api/test/members/"]["get"]["responses"]) == {"200", "400", "401", "403", "429"}
    assert set(paths["/api/test/members/"]["post"]["responses"]) == {"201", "400", "401", "403", "409", "429"}
    assert set(paths["/api/test/members/{id}/"]["get"]["responses"]) == {"200", "401", "403", "404", "429"}
    assert set(paths["/api/test/members/{id}/"]["patch"]["responses"]) == {"200", "400", "401", "403", "404", "409",
                                                                           "429"}
    assert "delete" not in paths["/api/test/members/{id}/"]
    assert set(paths["/api/test/readonly/{id}/"]) == {"get"}
    page_size = next(p for p in paths["/api/test/members/"]["get"]["parameters"] if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}

"""``ServiceViewSet``: the API of one model, declared.

    class ItemViewSet(ServiceViewSet):
        queryset = Item.objects.all()               # names the model (write permission, schema)
        selector = selectors.item_list               # (*, user) -> the rows the user may see
        serializer_class = s.ItemSerializer          # detail: input of create/update, every answer
        filterset_class = ItemFilterSet              # the same FilterSet as the HTML list
        create_service = services.item_create        # (*, actor, **fields) -> row      → POST
        update_service = services.item_update        # (*, item, actor, **fields) -> row → PUT/PATCH
        actions = [WorkflowAction("suspend", service=services.item_suspend, input=s.ReasonInput)]

What comes from settings (REST_FRAMEWORK), for every viewset alike: the permission class (the
project's jurisdiction: 403 without a role, and for writes the row's write scope), the filter
backend (core.api.filtering), cursor pagination, the lean renderer (core.api.renderers), the
JSON error format and the OpenAPI error responses.

What the base adds:
- reads only through the declared scope: ``selector(user=…)`` or ``get_scoped_queryset(user)``;
  a row outside it is 404;
- ``list`` and ``retrieve`` always; ``create`` only with a ``create_service``, ``update`` and
  ``partial_update`` only with an ``update_service``; never a delete (nothing is deleted:
  DELETE, like any undeclared method, is 405);
- a create or an update is checked against the write scope of the row it would produce (403),
  then handed to the one service; a PATCH that changes nothing (only read-only fields, or
  none) writes nothing;
- every answer about one row is the detail serializer of the row read again through the scope;
- ``history`` (core.api.history) on every row; ``history = None`` in a subclass removes it;
- ``list_serializer_class`` as a ``LeanListSerializer`` (core.api.lean): the list reads
  ``.values()`` rows, for lists of millions of rows.
"""

from __future__ import annotations

import copy
from types import FunctionType

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.response import Response

from .actions import WorkflowAction
from .history import HistoryMixin
from .lean import LeanListMixin

# Declared as plain functions; kept from becoming methods (they take keyword arguments only).
_FUNCTIONS = ("selector", "create_service", "update_service")


def _own(cls, name: str, function):
    """A method of ``cls`` alone: extend_schema_view decorates it in place, and a function shared
    by every viewset would carry the last viewset's summary into all of them."""

    def method(self, request, *args, **kwargs):
        return function(self, request, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    return method


class ServiceViewSet(LeanListMixin, HistoryMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    selector = None
    create_service = None
    update_service = None
    #: the keyword the update service and the workflow actions take the row as (default: the
    #: model's name, "item" for Item)
    service_object: str | None = None
    actions: list[WorkflowAction] = []
    #: the serializer of ``list`` when it is not the detail serializer
    list_serializer_class = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _FUNCTIONS:
            if isinstance(cls.__dict__.get(name), FunctionType):
                setattr(cls, name, staticmethod(cls.__dict__[name]))
        if cls.create_service is not None and "create" not in cls.__dict__:
            cls.create = _own(cls, "create", ServiceViewSet._create)
        if cls.update_service is not None and "update" not in cls.__dict__:
            cls.update = _own(cls, "update", ServiceViewSet._update)
            cls.partial_update = _own(cls, "partial_update", ServiceViewSet._partial_update)
        for step in cls.__dict__.get("actions", ()):
            if step.method_name in cls.__dict__:
                raise ImproperlyConfigured(f"{cls.__name__}.{step.method_name} is both declared and written")
            setattr(cls, step.method_name, step.build(cls))

    # --- reads --------------------------------------------------------------------------------
    def get_queryset(self):
        return self.get_scoped_queryset(self.request.user)

    def get_scoped_queryset(self, user):
        """The rows ``user`` may see: the declared selector (the app's scoped read)."""
        if self.selector is None:
            raise ImproperlyConfigured(f"{type(self).__name__} declares neither selector nor get_scoped_queryset")
        return self.selector(user=user)

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        if self.is_lean_list():
            return self.lean_list(request)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    # --- writes -------------------------------------------------------------------------------
    def get_service_object(self) -> str:
        return self.service_object or self.get_queryset().model._meta.model_name

    def check_candidate(self, data: dict, instance=None) -> None:
        """403 unless the caller may write the row that ``data`` would make (or make of ``instance``)."""
        model = type(instance) if instance is not None else self.get_queryset().model
        concrete = {f.name for f in model._meta.concrete_fields}
        values = {k: v for k, v in data.items() if k in concrete}
        if instance is None:
            candidate = model(**values)
        else:
            candidate = copy.copy(instance)
            for name, value in values.items():
                setattr(candidate, name, value)
        self.check_object_permissions(self.request, candidate)

    def _create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.check_candidate(data)
        row = self.create_service(actor=request.user, **data)
        return self.detail_response(row, status=201)

    def _update(self, request, *args, partial=False, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data:  # read-only fields are dropped by the serializer: nothing to write, no history event
            self.check_candidate(data, instance=row)
            self.update_service(**{self.get_service_object(): row}, actor=request.user, **data)
        return self.detail_response(row)

    def _partial_update(self, request, *args, **kwargs):
        return self._update(request, *args, partial=True, **kwargs)

    # --- helpers of the declared actions ------------------------------------------------------
    def parse_input(self, serializer_class, row=None) -> dict:
        """The validated data of a workflow step's input (400 with field errors otherwise)."""
        context = {**self.get_serializer_context(), "object": row}
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def detail_response(self, row, status: int = 200) -> Response:
        """The detail serializer's view of ``row``, read again through the scope (fresh joins)."""
        fresh = self.get_queryset().filter(pk=row.pk).first() or row
        serializer_class = self.serializer_class
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=status)

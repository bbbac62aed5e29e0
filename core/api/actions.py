"""Workflow steps of a ServiceViewSet, declared instead of written.

    actions = [
        WorkflowAction("suspend", service=services.item_suspend, input=s.ReasonInput, summary="暂停"),
        WorkflowAction("take-over", service=services.assignment_take_over, input=s.TakeOverInput),
    ]

Each becomes ``POST <detail>/<name>/`` (URL name ``<basename>-<name>``) that

1. reads the row through the viewset's scoped queryset and checks the write permission
   (404 outside the jurisdiction, 403 without the role), before any word on the input;
2. validates the small input serializer (400 with field errors);
3. calls the one service: ``service(<row keyword>=row, actor=request.user, **input)``; a
   refusal of the domain (ApplicationError / ConflictError) answers 400 / 409 through
   core.api.exceptions, the same JSON as every other error;
4. answers with the detail serializer of the row, read again through the scoped queryset.

The OpenAPI schema gets the summary, the input as request body (a ``ServiceRequiredField``
is marked required), the detail as 200 and the error responses (core.api.schema).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action


@dataclass(frozen=True)
class WorkflowAction:
    #: the URL segment and the route's name ("take-over"); the method is named "take_over"
    name: str
    #: the service: keyword-only, takes the row, ``actor`` and the input's fields
    service: Callable[..., Any]
    #: the input serializer (its validated fields are the service's keyword arguments)
    input: type | None = None
    summary: str = ""
    description: str = ""
    #: the keyword the service takes the row as; default the viewset's ``service_object``
    object_argument: str | None = None
    #: turns the validated input into the service's arguments: a callable
    #: ``(view, row, data) -> dict`` or the name of a viewset method ``(row, data) -> dict``
    arguments: Callable[..., dict] | str | None = None
    #: the response serializer; default the viewset's detail serializer
    output: type | None = None

    @property
    def method_name(self) -> str:
        return self.name.replace("-", "_")

    def build(self, viewset: type) -> Callable:
        """The ``@action`` method of ``viewset`` that runs this step."""
        step = self

        def run(view, request, *args, **kwargs):
            row = view.get_object()
            data = view.parse_input(step.input, row) if step.input is not None else {}
            arguments = step.arguments
            if isinstance(arguments, str):
                data = getattr(view, arguments)(row, data)
            elif arguments is not None:
                data = arguments(view, row, data)
            keyword = step.object_argument or view.get_service_object()
            step.service(**{keyword: row}, actor=request.user, **data)
            return view.detail_response(row)

        run.__name__ = run.__qualname__ = self.method_name
        run.__doc__ = self.description or self.summary or None
        run = action(detail=True, methods=["post"], url_path=self.name, url_name=self.name)(run)
        return extend_schema(  # after @action, as when written by hand: it reads the action's kwargs
            summary=self.summary or None,
            description=self.description or None,
            request=self.input,
            responses={200: self.output or viewset.serializer_class},
        )(run)

"""REST API of the catalogue: scoped reads, creates and workflow steps through the services.

Every viewset reads through ``delegation.selectors`` (the jurisdiction-scoped reads shared with
the HTML pages) and filters with the same FilterSet classes as the HTML lists. Writes go
through ``delegation.services``: a create first checks that the caller may write in the
target division (403 otherwise), each workflow step is a POST action with a small input
serializer that calls one service and answers with the detail serializer. Nothing is deleted
(no DELETE route: 405).
"""

from __future__ import annotations

import orjson
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from core.api.filtering import StrictFilterBackend
from core.api.history import HistoryMixin
from core.errors import ApplicationError
from regions import scoping
from regions.permissions import ScopedViewSetMixin, ensure_can

from .. import reports, selectors, services
from ..filtersets import (
    AssignmentFilterSet,
    BatchFilterSet,
    ExerciseRecordFilterSet,
    ItemFilterSet,
    TrainingFilterSet,
)
from ..models import Agreement, Assignment, Batch, ExerciseRecord, FilingDueRecomputed, Item, Training
from . import serializers as s

_fallback_encoder = JSONEncoder()


def _default(obj):
    if isinstance(obj, Promise):
        return str(obj)
    return _fallback_encoder.default(obj)  # Decimal, timedelta, querysets … as DRF writes them


class ORJSONRenderer(renderers.BaseRenderer):
    """JSON through orjson: several times faster than json.dumps on a 500-row page.

    orjson writes ``date`` as "2026-08-07" and ``datetime`` as ISO 8601, so rows built from
    ``.values()`` need no per-field conversion.
    """

    media_type = "application/json"
    format = "json"
    charset = None  # orjson writes UTF-8 bytes; JSON has no charset parameter

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        option = orjson.OPT_NON_STR_KEYS
        if renderer_context and renderer_context.get("indent"):
            option |= orjson.OPT_INDENT_2
        return orjson.dumps(data, default=_default, option=option)


RENDERERS = [ORJSONRenderer, renderers.BrowsableAPIRenderer]
PDF_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="application/pdf")


class FilterBackend(StrictFilterBackend):
    """The shared FilterSets, built only when the request carries a parameter that may filter.

    DjangoFilterBackend builds the FilterSet (a form, deep copies of every filter, its
    validation) on every list request; without filter parameters that changes nothing but cost
    about a third of the CPU of the exercise-record list. Pagination and format parameters
    are not filters; any other parameter goes through the FilterSet as before (unknown names
    and invalid values are a 400, see core.filtering).
    """

    def filter_queryset(self, request, queryset, view):
        paginator = getattr(view, "paginator", None)
        not_filters = {
            api_settings.URL_FORMAT_OVERRIDE,
            getattr(paginator, "cursor_query_param", None),
            getattr(paginator, "page_query_param", None),
            getattr(paginator, "page_size_query_param", None),
        }
        if all(name in not_filters for name in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


class CatalogueViewSet(ScopedViewSetMixin, HistoryMixin, viewsets.GenericViewSet):
    """Base of the catalogue viewsets.

    ``get_queryset`` is the app's selector, which is the jurisdiction scope (regions.scoping)
    plus the joins the serializers need; ``queryset`` only names the model for the write
    permission. Creates check the write scope of the row about to be created, then call
    ``create_object`` (one service). Subclasses list this class *before* DRF's mixins, so
    this ``perform_create`` is the one that runs, never ``CreateModelMixin``'s ``save()``.
    """

    renderer_classes = RENDERERS
    filter_backends = [FilterBackend]
    selector = None  # a selectors.<entity>_list function

    def get_queryset(self):
        return type(self).selector(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        many = {f.name for f in serializer.Meta.model._meta.many_to_many}
        candidate = serializer.Meta.model(**{k: v for k, v in data.items() if k not in many})
        ensure_can(self.request.user, scoping.CHANGE, candidate)
        serializer.instance = self.create_object(data)

    def create_object(self, data: dict):
        raise NotImplementedError

    def _detail(self, obj, status=200):
        """The detail serializer's view of ``obj``, re-read through the selector (fresh joins)."""
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer_class()(obj, context=self.get_serializer_context()).data, status=status)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- batches and items -----------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="下放批次列表"),
    retrieve=extend_schema(summary="下放批次"),
    create=extend_schema(summary="新建批次"),
)
class BatchViewSet(CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Batches (批次) in which items are published, with their effective date.

    Workflow: create (open) → add-items (draft items published into it, taking its effective
    date) → publish (document number and date; closed to new items afterwards).
    """

    queryset = Batch.objects.all()
    serializer_class = s.BatchSerializer
    filterset_class = BatchFilterSet
    selector = staticmethod(selectors.batch_list)

    def create_object(self, data):
        return services.batch_create(actor=self.request.user, **data)

    @extend_schema(summary="批次的事项", responses={200: s.ItemSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def items(self, request, pk=None):
        items = selectors.batch_items(user=request.user, batch=self.get_object())
        return Response(s.ItemSerializer(items, many=True, context=self.get_serializer_context()).data)

    @extend_schema(summary="将草稿事项公布到批次", request=s.BatchAddItemsInput, responses={200: s.BatchSerializer})
    @action(detail=True, methods=["post"], url_path="add-items")
    def add_items(self, request, pk=None):
        batch = self.get_object()
        ensure_can(request.user, scoping.CHANGE, batch)
        data = self._input(s.BatchAddItemsInput)
        wanted = list(dict.fromkeys(data["items"]))
        drafts = {i.pk: i for i in selectors.batch_draft_items(user=request.user, batch=batch).filter(pk__in=wanted)}
        missing = [pk for pk in wanted if pk not in drafts]
        if missing:
            raise ApplicationError(
                "以下事项不是您可公布到该批次的草稿事项：" + "、".join(map(str, missing)),
                code="invalid", extra={"items": [f"事项 {pk} 不是可公布到该批次的草稿事项。" for pk in missing]},
            )
        services.batch_add_items(batch=batch, items=[drafts[pk] for pk in wanted], actor=request.user,
                                 reason=data["reason"])
        return self._detail(batch)

    @extend_schema(summary="公布批次", request=s.BatchPublishInput, responses={200: s.BatchSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        batch = self.get_object()
        ensure_can(request.user, scoping.CHANGE, batch)
        data = self._input(s.BatchPublishInput)
        batch = services.batch_publish(batch=batch, actor=request.user, published_on=data["published_on"],
                                       document_number=data["document_number"])
        return self._detail(batch)


@extend_schema_view(
    list=extend_schema(summary="下放事项列表"),
    retrieve=extend_schema(summary="下放事项"),
    create=extend_schema(summary="新增事项（草稿）"),
    update=extend_schema(summary="修改事项"),
    partial_update=extend_schema(summary="修改事项（部分字段）"),
)
class ItemViewSet(
    CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """The catalogue: published items in and above the caller's jurisdiction, drafts for the office."""

    queryset = Item.objects.all()
    serializer_class = s.ItemSerializer
    filterset_class = ItemFilterSet
    selector = staticmethod(selectors.item_list)

    def create_object(self, data):
        return services.item_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "department" in data:  # moving an item must stay inside the write scope too
            candidate = Item(department=data["department"])
            ensure_can(self.request.user, scoping.CHANGE, candidate)
        serializer.instance = services.item_update(item=serializer.instance, actor=self.request.user, **data)

    @extend_schema(summary="公布（随批次）", request=s.PublishInput, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = self.get_object()  # 404 / 403 before any word on the input
        data = self._input(s.PublishInput)
        item = services.item_publish(item=item, batch=data["batch"], actor=request.user, reason=data["reason"])
        return self._detail(item)

    @extend_schema(summary="暂停", request=s.ReasonInput, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        item = self.get_object()
        data = self._input(s.ReasonInput)
        item = services.item_suspend(item=item, actor=request.user, reason=data["reason"], on=data["on"])
        return self._detail(item)

    @extend_schema(summary="恢复施行", request=s.ReasonInput, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        item = self.get_object()
        data = self._input(s.ReasonInput)
        item = services.item_resume(item=item, actor=request.user, reason=data["reason"], on=data["on"])
        return self._detail(item)

    @extend_schema(summary="收回", request=s.ReasonInput, responses={200: s.ItemSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        item = self.get_object()
        data = self._input(s.ReasonInput)
        item = services.item_withdraw(item=item, actor=request.user, reason=data["reason"], on=data["on"])
        return self._detail(item)

    @extend_schema(summary="状态变更记录", responses={200: s.ItemStatusChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="status-changes", pagination_class=None, filterset_class=None)
    def status_changes(self, request, pk=None):
        changes = selectors.item_status_changes(item=self.get_object())
        return Response(s.ItemStatusChangeSerializer(changes, many=True).data)


# --- agreements, assignments, trainings ------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="协议书列表"),
    retrieve=extend_schema(summary="协议书"),
    create=extend_schema(summary="登记协议书"),
)
class AgreementViewSet(CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Signed agreements (协议书) between granting departments and receiving bodies."""

    queryset = Agreement.objects.all()
    serializer_class = s.AgreementSerializer
    selector = staticmethod(selectors.agreement_list)

    def create_object(self, data):
        return services.agreement_create(actor=self.request.user, **data)


@extend_schema_view(
    list=extend_schema(summary="事项承接列表"),
    retrieve=extend_schema(summary="事项承接"),
    create=extend_schema(summary="交办事项"),
)
class AssignmentViewSet(CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Items assigned to receiving bodies, their take-over and revocation."""

    queryset = Assignment.objects.all()
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    selector = staticmethod(selectors.assignment_list)

    def create_object(self, data):
        return services.assignment_create(actor=self.request.user, **data)

    @extend_schema(summary="承接", request=s.TakeOverInput, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="take-over")
    def take_over(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.TakeOverInput)
        assignment = services.assignment_take_over(assignment=assignment, on=data["on"], actor=request.user)
        return self._detail(assignment)

    @extend_schema(summary="收回", request=s.ReasonInput, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        assignment = self.get_object()
        data = self._input(s.ReasonInput)
        assignment = services.assignment_revoke(
            assignment=assignment, actor=request.user, reason=data["reason"], on=data["on"]
        )
        return self._detail(assignment)

    @extend_schema(summary="协议书 PDF", responses={(200, "application/pdf"): PDF_RESPONSE})
    @action(detail=True, methods=["get"], url_path="agreement-pdf", filterset_class=None)
    def agreement_pdf(self, request, pk=None):
        assignment = self.get_object()
        return _pdf_response(reports.agreement_pdf(assignment=assignment), f"agreement-{assignment.pk}.pdf")

    @extend_schema(
        summary="下放事项目录公告 PDF",
        parameters=[OpenApiParameter("division", int, required=True, description="承接主体（镇）的 id")],
        responses={(200, "application/pdf"): PDF_RESPONSE},
    )
    @action(detail=False, methods=["get"], url_path="catalogue-pdf", filterset_class=None, pagination_class=None)
    def catalogue_pdf(self, request):
        query = s.CatalogueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        division = reports.catalogue_division(user=request.user, division_id=query.validated_data["division"])
        return _pdf_response(reports.catalogue_pdf(division=division), f"catalogue-{division.code}.pdf")


@extend_schema_view(
    list=extend_schema(summary="培训记录列表"),
    retrieve=extend_schema(summary="培训记录"),
    create=extend_schema(summary="登记培训"),
)
class TrainingViewSet(CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Training sessions (放权/接权/专题培训) of receiving bodies."""

    queryset = Training.objects.all()
    serializer_class = s.TrainingSerializer
    filterset_class = TrainingFilterSet
    selector = staticmethod(selectors.training_list)

    def create_object(self, data):
        return services.training_record(actor=self.request.user, **data)


# --- exercise records ------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="办件记录列表"),
    retrieve=extend_schema(summary="办件记录"),
    create=extend_schema(summary="登记办件"),
)
class ExerciseRecordViewSet(
    CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Exercise records (办件) filed by receiving bodies, and their filing (备案).

    The list is the API's hot path (a million rows, pages of up to 500): it reads ``.values()``
    rows through the (division, -id) / (item, -id) indexes with cursor pagination, renders
    them without DRF fields or model instances, and writes them with orjson: three queries
    whatever the page size (token, memberships, the page).
    """

    queryset = ExerciseRecord.objects.all()
    serializer_class = s.ExerciseRecordSerializer
    filterset_class = ExerciseRecordFilterSet
    selector = staticmethod(selectors.exercise_record_list)

    def get_serializer_class(self):
        return s.ExerciseRecordListSerializer if self.action == "list" else s.ExerciseRecordSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*s.ExerciseRecordListSerializer.columns)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.ExerciseRecordListSerializer.rows(page, timezone.localdate()))

    def create_object(self, data):
        return services.exercise_record_create(actor=self.request.user, **data)

    @extend_schema(summary="备案", request=s.FileInput, responses={200: s.ExerciseRecordSerializer})
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        record = self.get_object()
        data = self._input(s.FileInput)
        record = services.exercise_record_file(record=record, filed_on=data["filed_on"], actor=request.user)
        return self._detail(record)


@extend_schema_view(
    list=extend_schema(summary="备案期限重算记录（录入节假日年度后暂定期限的变化）"),
    retrieve=extend_schema(summary="备案期限重算记录"),
)
class FilingDueRecomputedViewSet(CatalogueViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Provisional filing due dates that moved when their year's holidays were entered; read only."""

    queryset = FilingDueRecomputed.objects.all()
    serializer_class = s.FilingDueRecomputedSerializer
    selector = staticmethod(selectors.due_recomputed_list)
    http_method_names = ["get", "head", "options"]

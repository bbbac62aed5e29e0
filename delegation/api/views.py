"""REST API of the catalogue, declared on core.api's ServiceViewSet.

Every viewset reads through ``delegation.selectors`` (the jurisdiction-scoped reads shared with
the HTML pages) and filters with the same FilterSet classes as the HTML lists. Creates and
updates go through one service each, workflow steps are declared ``WorkflowAction``s (a small
input serializer → one service → the detail serializer). Nothing is deleted (DELETE: 405).
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.actions import WorkflowAction
from core.api.schema import error_response
from core.api.viewsets import ServiceViewSet
from core.errors import ApplicationError

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

PDF_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="application/pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


# --- batches and items -----------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="下放批次列表"),
    retrieve=extend_schema(summary="下放批次"),
    create=extend_schema(summary="新建批次"),
)
class BatchViewSet(ServiceViewSet):
    """Batches (批次) in which items are published, with their effective date.

    Workflow: create (open) → add-items (draft items published into it, taking its effective
    date) → publish (document number and date; closed to new items afterwards).
    """

    queryset = Batch.objects.all()
    selector = selectors.batch_list
    serializer_class = s.BatchSerializer
    filterset_class = BatchFilterSet
    create_service = services.batch_create
    actions = [
        WorkflowAction("add-items", service=services.batch_add_items, input=s.BatchAddItemsInput,
                       summary="将草稿事项公布到批次", arguments="add_items_arguments"),
        WorkflowAction("publish", service=services.batch_publish, input=s.BatchPublishInput, summary="公布批次"),
    ]

    def add_items_arguments(self, batch, data):
        """The ids named, as the caller's draft items publishable into ``batch``; 400 naming the others."""
        wanted = list(dict.fromkeys(data["items"]))
        drafts = {
            i.pk: i
            for i in selectors.batch_draft_items(user=self.request.user, batch=batch).filter(pk__in=wanted)
        }
        missing = [pk for pk in wanted if pk not in drafts]
        if missing:
            raise ApplicationError(
                "以下事项不是您可公布到该批次的草稿事项：" + "、".join(map(str, missing)),
                code="invalid", extra={"items": [f"事项 {pk} 不是可公布到该批次的草稿事项。" for pk in missing]},
            )
        return {**data, "items": [drafts[pk] for pk in wanted]}

    @extend_schema(summary="批次的事项", responses={200: s.ItemSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def items(self, request, pk=None):
        items = selectors.batch_items(user=request.user, batch=self.get_object())
        return Response(s.ItemSerializer(items, many=True, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="下放事项列表"),
    retrieve=extend_schema(summary="下放事项"),
    create=extend_schema(summary="新增事项（草稿）"),
    update=extend_schema(summary="修改事项"),
    partial_update=extend_schema(summary="修改事项（部分字段）"),
)
class ItemViewSet(ServiceViewSet):
    """The catalogue: published items in and above the caller's jurisdiction, drafts for the office."""

    queryset = Item.objects.all()
    selector = selectors.item_list
    serializer_class = s.ItemSerializer
    filterset_class = ItemFilterSet
    create_service = services.item_create
    update_service = services.item_update
    actions = [
        WorkflowAction("publish", service=services.item_publish, input=s.PublishInput, summary="公布（随批次）"),
        WorkflowAction("suspend", service=services.item_suspend, input=s.ReasonInput, summary="暂停"),
        WorkflowAction("resume", service=services.item_resume, input=s.ReasonInput, summary="恢复施行"),
        WorkflowAction("withdraw", service=services.item_withdraw, input=s.ReasonInput, summary="收回"),
    ]

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
class AgreementViewSet(ServiceViewSet):
    """Signed agreements (协议书) between granting departments and receiving bodies."""

    queryset = Agreement.objects.all()
    selector = selectors.agreement_list
    serializer_class = s.AgreementSerializer
    create_service = services.agreement_create


@extend_schema_view(
    list=extend_schema(summary="事项承接列表"),
    retrieve=extend_schema(summary="事项承接"),
    create=extend_schema(summary="交办事项"),
)
class AssignmentViewSet(ServiceViewSet):
    """Items assigned to receiving bodies, their take-over and revocation."""

    queryset = Assignment.objects.all()
    selector = selectors.assignment_list
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    create_service = services.assignment_create
    actions = [
        WorkflowAction("take-over", service=services.assignment_take_over, input=s.TakeOverInput, summary="承接"),
        WorkflowAction("revoke", service=services.assignment_revoke, input=s.ReasonInput, summary="收回"),
    ]

    @extend_schema(summary="协议书 PDF", responses={(200, "application/pdf"): PDF_RESPONSE})
    @action(detail=True, methods=["get"], url_path="agreement-pdf", filterset_class=None)
    def agreement_pdf(self, request, pk=None):
        assignment = self.get_object()
        return _pdf_response(reports.agreement_pdf(assignment=assignment), f"agreement-{assignment.pk}.pdf")

    @extend_schema(
        summary="下放事项目录公告 PDF",
        parameters=[OpenApiParameter("division", int, required=True, description="承接主体（镇）的 id")],
        # 404: the division does not exist or is outside the caller's jurisdiction (reports.catalogue_division)
        responses={(200, "application/pdf"): PDF_RESPONSE, 404: error_response("404")},
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
class TrainingViewSet(ServiceViewSet):
    """Training sessions (放权/接权/专题培训) of receiving bodies."""

    queryset = Training.objects.all()
    selector = selectors.training_list
    serializer_class = s.TrainingSerializer
    filterset_class = TrainingFilterSet
    create_service = services.training_record


# --- exercise records ------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="办件记录列表"),
    retrieve=extend_schema(summary="办件记录"),
    create=extend_schema(summary="登记办件"),
)
class ExerciseRecordViewSet(ServiceViewSet):
    """Exercise records (办件) filed by receiving bodies, and their filing (备案).

    The list is the API's hot path (millions of rows, pages of up to 500): a lean list
    (core.api.lean) of ``.values()`` rows through the (division, -id) / (item, -id) indexes,
    two queries whatever the page size (token with memberships, the page).
    """

    queryset = ExerciseRecord.objects.all()
    selector = selectors.exercise_record_list
    serializer_class = s.ExerciseRecordSerializer
    list_serializer_class = s.ExerciseRecordListSerializer
    filterset_class = ExerciseRecordFilterSet
    create_service = services.exercise_record_create
    service_object = "record"
    actions = [
        WorkflowAction("file", service=services.exercise_record_file, input=s.FileInput, summary="备案"),
    ]


@extend_schema_view(
    list=extend_schema(summary="备案期限重算记录（录入节假日年度后暂定期限的变化）"),
    retrieve=extend_schema(summary="备案期限重算记录"),
)
class FilingDueRecomputedViewSet(ServiceViewSet):
    """Provisional filing due dates that moved when their year's holidays were entered; read only."""

    queryset = FilingDueRecomputed.objects.all()
    selector = selectors.due_recomputed_list
    serializer_class = s.FilingDueRecomputedSerializer
    http_method_names = ["get", "head", "options"]

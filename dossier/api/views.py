"""``/api/v1/dossier/towns/``: the towns of the caller's jurisdiction one may open a dossier of
(一镇一档, issue 15 §2); ``towns/<id>/?start=&end=`` the dossier's sections as JSON (the page's
data: dossier.sections over oversight.bundle's builders, each section and row linking to its
records); ``towns/<id>/pdf/?start=&end=`` the same as the GB/T 9704 PDF.

Who reads it is who reads the page: everyone whose jurisdiction takes in the town (its clerk,
the county's office and auditor, the city's superior department); 404 for a town outside it,
403 without a membership (regions.permissions), 401 anonymous. A period that is not YYYY-MM-DD
or ends before it starts is a structured 400 (``invalid``, with ``fields``)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import error_response
from core.api.viewsets import ServiceViewSet
from regions.models import Division

from .. import sections, selectors
from . import serializers as s

PERIOD_PARAMS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="起始日期 YYYY-MM-DD（默认：该镇首次确定为试点之日）"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="截止日期 YYYY-MM-DD（默认：今天）"),
]
PDF_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="application/pdf")


@extend_schema_view(list=extend_schema(summary="可查阅一镇一档的镇（管辖范围内）"))
class TownViewSet(ServiceViewSet):
    queryset = Division.objects.all()  # names the model; the rows are selectors.town_list's
    serializer_class = s.TownSerializer
    http_method_names = ["get", "head", "options"]
    history = None  # a town's history is regions'

    def get_scoped_queryset(self, user):
        return selectors.town_list(user=user)

    def period(self, request, town):
        query = s.PeriodInput(data=request.query_params, context={"default": selectors.default_period(town=town)})
        query.is_valid(raise_exception=True)
        return query.validated_data["start"], query.validated_data["end"]

    @extend_schema(summary="一镇一档（各部分及其记录链接）", parameters=PERIOD_PARAMS, responses={200: s.DossierSerializer, 400: error_response("400")})
    def retrieve(self, request, *args, **kwargs):
        town = self.get_object()
        start, end = self.period(request, town)
        parts = sections.dossier_sections(user=request.user, town=town, start=start, end=end)
        return Response(s.dossier_data(town=town, start=start, end=end, sections=parts,
                                       context=self.get_serializer_context()))

    @extend_schema(summary="一镇一档 PDF（GB/T 9704）", parameters=PERIOD_PARAMS,
                   responses={(200, "application/pdf"): PDF_RESPONSE, 400: error_response("400")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        town = self.get_object()
        start, end = self.period(request, town)
        content, _pages = sections.dossier_pdf(user=request.user, town=town, start=start, end=end)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="dossier-{town.code}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

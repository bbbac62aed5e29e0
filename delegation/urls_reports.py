"""PDF reports of the catalogue for the browser (session login), mounted at /delegation/reports/.

The same documents are in the API as assignments/{id}/agreement-pdf/ and
assignments/catalogue-pdf/?division=<id> (token auth).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from . import reports, selectors


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def town_catalogue(request, division_id: int):
    """公告: the items in force for a town; 404 outside the user's jurisdiction."""
    division = reports.catalogue_division(user=request.user, division_id=division_id)
    return _pdf(reports.catalogue_pdf(division=division), f"catalogue-{division.code}.pdf")


@login_required
def assignment_agreement(request, pk: int):
    """协议书 of one assignment; 404 outside the user's jurisdiction."""
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return _pdf(reports.agreement_pdf(assignment=assignment), f"agreement-{assignment.pk}.pdf")


app_name = "delegation-reports"

urlpatterns = [
    path("towns/<int:division_id>/catalogue.pdf", town_catalogue, name="town-catalogue"),
    path("assignments/<int:pk>/agreement.pdf", assignment_agreement, name="assignment-agreement"),
]

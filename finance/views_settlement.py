"""The yearly settlement statement (年度结算单, PDF) of a town, served through a checking view.

Read by the town's own clerk, the county office (the finance bureau) and the auditors of the
towns in their jurisdiction, and the administrator. Any other login — a superior department,
a clerk of another town, a user without membership — gets 404, as a town outside the
jurisdiction does (the persona matrix's rule: who may not read a row does not learn it exists).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View

from regions import scoping
from regions.choices import Role

from . import settlement

READERS = frozenset({Role.CLERK, Role.OFFICE, Role.AUDITOR})


def reads_settlement(user, town) -> bool:
    """Does one of the user's memberships with a reading role take in ``town``?"""
    if user.is_superuser and user.is_active:
        return True
    return any(g.role in READERS and town.path.startswith(g.path) for g in scoping.grants(user))


class TownSettlementView(LoginRequiredMixin, View):
    """年度结算单 of a town for ``?year=`` (default: last year), inline as application/pdf."""

    def get(self, request, pk):
        town = get_object_or_404(scoping.towns_visible(request.user), pk=pk)
        if not reads_settlement(request.user, town):
            raise Http404(gettext("没有这个镇，或它不在您的管辖范围内。"))
        raw = request.GET.get("year") or str(timezone.localdate().year - 1)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2199:
            return HttpResponseBadRequest(gettext("年度须为2000至2199之间的四位数字。"),
                                          content_type="text/plain; charset=utf-8")
        year = int(raw)
        response = HttpResponse(settlement.settlement_pdf(town=town, year=year), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="settlement-{town.code}-{year}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

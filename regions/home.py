"""The regions card of the home page (core/home.py), registered in RegionsConfig.ready."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core import home

from . import selectors
from .choices import Level


def regions_card(user) -> home.Card:
    f = selectors.home_figures(user=user)
    divisions = reverse("regions:division-list")
    return home.Card(
        figures=[
            home.Figure(_("行政区划"), f["divisions"], divisions, _("管辖范围内的省、市、县、镇"), key="divisions"),
            home.Figure(_("试点镇"), f["pilot_towns"], f"{divisions}?level={Level.TOWN}&pilot=yes",
                        _("管辖范围内现有扩权强镇试点资格的镇"), key="pilot-towns"),
        ],
        links=[home.Link(_("行政区划"), divisions), home.Link(_("部门"), reverse("regions:department-list"))],
    )

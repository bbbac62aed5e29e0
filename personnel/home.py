"""The personnel card of the home page (core/home.py), registered in PersonnelConfig.ready:
people in establishment, adjustment opinions past their one-month limit, secondments ending
within 30 days, certificates lapsing within 60 days (one query each, scoped to the user)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import home

from . import rules_cadres, selectors_cadres, selectors_staffing
from .choices_staffing import PersonStatus


def personnel_card(user) -> home.Card:
    today = timezone.localdate()
    people = selectors_staffing.person_list(user=user).filter(status=PersonStatus.IN).count()
    overdue = selectors_cadres.adjustment_opinion_overdue_list(user=user, on=today).count()
    ending = selectors_cadres.secondment_ending_list(user=user, on=today).count()
    expiring = selectors_cadres.certificate_expiring_list(user=user, on=today,
                                                          within=rules_cadres.EXPIRING_WITHIN_DAYS).count()
    opinions, certificates = reverse("personnel:opinion-list"), reverse("personnel:certificate-list")
    return home.Card(
        figures=[
            home.Figure(_("在编人员"), people, reverse("personnel:person-list"), _("管辖范围内实名制在编人员"),
                        key="personnel-people"),
            home.Figure(_("调整意见逾期"), overdue, f"{opinions}?status=overdue",
                        _("镇党委书面调整意见送达后超过一个月未办理"), tone="danger" if overdue else "",
                        key="personnel-opinions-overdue"),
            home.Figure(_("30日内挂职期满"), ending, reverse("personnel:secondment-list"), _("30日内任期届满的挂职干部"),
                        tone="warning" if ending else "", key="personnel-secondments-ending"),
            home.Figure(_("60日内到期执法证"), expiring, f"{certificates}?state=expiring",
                        _("60日内到期的行政执法证"), tone="warning" if expiring else "", key="personnel-certificates-expiring"),
        ],
        links=[home.Link(_("编制使用情况"), reverse("personnel:staffing")),
               home.Link(_("派驻机构"), reverse("personnel:unit-list")),
               home.Link(_("交叉核对"), reverse("personnel:cross-check"))],
    )

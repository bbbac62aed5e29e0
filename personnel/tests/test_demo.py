"""The personnel demo (临溪镇) makes every page meaningful: one free post, one consultation's
opinion overdue, one secondment ending soon, a consultation waiting, a mismatch in the
cross-check; loading it twice writes nothing more."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.testing.personas import TOWN_A
from personnel import selectors_cadres, selectors_staffing
from personnel.demo import load_demo_personnel
from personnel.models import HeadConsultation, Person

pytestmark = pytest.mark.django_db


def test_demo_has_what_the_pages_need(demo):
    assert load_demo_personnel() is True
    today = timezone.localdate()
    linxi = demo[TOWN_A]
    table = selectors_staffing.staffing_table(town=linxi)
    assert [(r.kind, r.approved, r.filled, r.free) for r in table.totals] == [("admin", 6, 5, 1), ("public", 4, 4, 0)]
    assert [r.people for r in table.totals] == [5, 4]
    assert Person.objects.filter(town=linxi).count() == 9
    assert selectors_cadres.adjustment_opinion_overdue_list(divisions=[linxi], on=today).count() == 1
    assert selectors_cadres.secondment_ending_list(divisions=[linxi], on=today).count() == 1
    assert selectors_cadres.secondment_current_list(divisions=[linxi], on=today).count() == 2
    assert HeadConsultation.objects.filter(unit__town=linxi, status="requested").count() == 1
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    found = selectors_staffing.cross_check(towns=[linxi], month=month)
    assert sorted((m.kind, m.problem) for m in found) == [("admin", "vacant"), ("public", "paid_without_post")]
    assert load_demo_personnel() is False
    assert Person.objects.filter(town=linxi).count() == 9

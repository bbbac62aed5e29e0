"""``due_within``: the records still to be filed whose due date is at most N days away (the home
page's "7日内到期" links to ``?due_within=7``): the same rule (core.deadlines.due_within_q) for
the figure, the list page and the API, inside the reader's jurisdiction; a bad number is an error,
never the unfiltered list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing.http import assert_error, collect
from delegation.models import ExerciseRecord

from .api_helpers import RECORDS
from .factories import AssignmentFactory, ExerciseRecordFactory
from .test_matrix_api import in_force_item

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

TODAY = timezone.localdate


@pytest.fixture
def due(catalogue):
    """Records of 临溪镇 by when they are due (days from today; "filed" is filed, due in 2 days)."""
    linxi = catalogue["linxi"]
    assignment = AssignmentFactory(item=in_force_item(linxi), division=linxi)
    decided = TODAY() - datetime.timedelta(days=3)
    rows = {}
    for key, days in (("overdue", -1), ("today", 0), ("in3", 3), ("in7", 7), ("in8", 8), ("filed", 2)):
        record = ExerciseRecordFactory(assignment=assignment, decided_on=decided, received_on=decided)
        ExerciseRecord.objects.filter(pk=record.pk).update(
            filing_due_on=TODAY() + datetime.timedelta(days=days), filed_on=decided if key == "filed" else None)
        rows[key] = record.pk
    return rows


def pending_within(days: int, user_rows) -> set[int]:
    """What the rule says, computed in Python over the rows the user may see."""
    last = TODAY() + datetime.timedelta(days=days)
    return {r.pk for r in user_rows if r.filed_on is None and TODAY() <= r.filing_due_on <= last}


def test_the_api_lists_the_records_due_within_the_days_in_scope(api_for, personas, due):
    ids = {row["id"] for row in collect(api_for(personas["clerk_linxi"]), f"{RECORDS}?due_within=7")}
    assert ids & set(due.values()) == {due["today"], due["in3"], due["in7"]}
    linxi_rows = ExerciseRecord.objects.filter(division__code="341824101")
    assert ids == pending_within(7, linxi_rows)  # the demo's own records by the same rule
    ids = {row["id"] for row in collect(api_for(personas["clerk_linxi"]), f"{RECORDS}?due_within=0")}
    assert ids & set(due.values()) == {due["today"]}
    # the other town's clerk: none of 临溪镇's
    assert collect(api_for(personas["clerk_other"]), f"{RECORDS}?due_within=7") == []
    ids = {row["id"] for row in collect(api_for(personas["office"]), f"{RECORDS}?due_within=3")}
    assert ids & set(due.values()) == {due["today"], due["in3"]}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "367"])
def test_a_bad_number_of_days_is_an_error_not_the_whole_list(api_for, personas, due, value):
    error = assert_error(api_for(personas["clerk_linxi"]).get(f"{RECORDS}?due_within={value}"), 400)
    assert "due_within" in str(error)


def test_the_list_page_shows_the_filter_it_was_given(client_for, personas, due):
    c = client_for(personas["clerk_linxi"])
    response = c.get(reverse("delegation:record-list"), {"due_within": 7})
    assert response.status_code == 200
    shown = {row.pk for row in response.context["object_list"]}
    assert shown & set(due.values()) == {due["today"], due["in3"], due["in7"]}
    assert re.search(r'name="due_within"[^>]*value="7"', response.content.decode())  # visible, so it can be cleared
    assert 'name="due_within"' not in c.get(reverse("delegation:record-list")).content.decode()


def test_the_home_figure_links_to_what_it_counts(client_for, api_for, personas, due):
    for persona in ("clerk_linxi", "clerk_other", "office"):
        html = client_for(personas[persona]).get(reverse("home")).content.decode()
        href, value = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-figure="due-soon">\s*<div[^>]*>([^<]*)</div>',
                                html).groups()
        assert href == f"{reverse('delegation:record-list')}?due_within=7"
        listed = collect(api_for(personas[persona]), f"{RECORDS}?due_within=7")
        assert value == str(len(listed)), persona

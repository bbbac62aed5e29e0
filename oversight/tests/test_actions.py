"""Action items (督办任务) marked done (services.action_item_done and the meeting page): the day,
by whom and how; refused before the meeting was held, before the day it was held, for a day to
come, without a note and a second time, writing nothing; overdue items shown on their meeting's
page and carried to the group's later meetings' pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from core.history import history_for
from oversight import selectors, services
from oversight.models import ActionItem
from regions.models import Membership

from .factories import group_with_towns

D = datetime.date


@pytest.fixture
def setup(db, django_user_model):
    group, towns = group_with_towns(1)
    office = django_user_model.objects.create_user("office_act", password="x-long-password")
    Membership.objects.create(user=office, division=group.division, role="office")
    clerk = django_user_model.objects.create_user("clerk_act", password="x-long-password")
    Membership.objects.create(user=clerk, division=towns[0], role="clerk")
    jan = services.meeting_create_monthly(group=group, month=D(2026, 1, 1))[0]
    jan = services.meeting_record(meeting=jan, held_on=D(2026, 1, 12), venue="三楼", minutes="纪要", actor=office)
    item = services.action_item_add(meeting=jan, text="督促补报备案", owner_unit="县发改委", within_days=10, actor=office)
    return {"group": group, "office": office, "clerk": clerk, "jan": jan, "item": item}


def test_done_records_day_actor_and_note(setup):
    item = services.action_item_done(item=setup["item"], done_on=D(2026, 1, 20), note="  已全部补报  ",
                                     actor=setup["office"])
    item = ActionItem.objects.get(pk=item.pk)
    assert (item.done_on, item.done_by, item.done_note) == (D(2026, 1, 20), setup["office"], "已全部补报")
    assert item.updated_by == setup["office"]
    (done,) = [e for e in history_for(item) if e["label"] == "update" and "done_on" in e["changes"]]
    assert (done["user"], done["reason"]) == ("office_act", "已全部补报")


def test_done_twice_is_refused(setup):
    services.action_item_done(item=setup["item"], done_on=D(2026, 1, 20), note="已补报", actor=setup["office"])
    with pytest.raises(ConflictError) as e:
        services.action_item_done(item=setup["item"], done_on=D(2026, 1, 21), note="再次", actor=setup["office"])
    assert e.value.code == "action_already_done" and "2026-01-20" in e.value.message
    item = ActionItem.objects.get(pk=setup["item"].pk)
    assert (item.done_on, item.done_note) == (D(2026, 1, 20), "已补报")


def test_refusals_write_nothing(setup):
    s = setup
    cases = [
        ({"done_on": D(2026, 1, 20), "note": "   "}, ApplicationError, "note_required"),
        ({"done_on": D(2026, 1, 11), "note": "已补报"}, ApplicationError, "done_before_meeting"),
        ({"done_on": timezone.localdate() + datetime.timedelta(days=1), "note": "已补报"}, ApplicationError,
         "done_in_future"),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as e:
            services.action_item_done(item=s["item"], actor=s["office"], **kwargs)
        assert e.value.code == code
    with pytest.raises(PermissionDenied):
        services.action_item_done(item=s["item"], done_on=D(2026, 1, 20), note="已补报", actor=s["clerk"])
    assert ActionItem.objects.get(pk=s["item"].pk).done_on is None


def test_refused_before_the_meeting_was_held(setup):
    """An item of a meeting whose held date is not recorded (one stored before the rule: the
    service refuses to add one to such a meeting) cannot be done."""
    feb = services.meeting_create_monthly(group=setup["group"], month=D(2026, 2, 1))[0]
    item = ActionItem.objects.create(meeting=feb, text="x", owner_unit="县发改委", due_on=D(2026, 3, 1))
    with pytest.raises(ConflictError) as e:
        services.action_item_done(item=item, done_on=D(2026, 2, 20), note="已补报", actor=setup["office"])
    assert e.value.code == "meeting_not_held"
    assert ActionItem.objects.get(pk=item.pk).done_on is None


def test_overdue_items_carried_to_the_later_meetings(setup):
    s = setup
    feb = services.meeting_create_monthly(group=s["group"], month=D(2026, 2, 1))[0]
    today = D(2026, 2, 10)  # the January item was due 22 January
    assert s["item"].due_on < today
    carried = selectors.action_items_overdue(group=s["group"], today=today, exclude_meeting=feb)
    assert [i.pk for i in carried] == [s["item"].pk]
    assert selectors.action_items_overdue(group=s["group"], today=today, exclude_meeting=s["jan"]) == []
    services.action_item_done(item=s["item"], done_on=D(2026, 2, 5), note="已补报", actor=s["office"])
    assert selectors.action_items_overdue(group=s["group"], today=today) == []


@pytest.mark.urls("oversight.tests.urls_o")
def test_meeting_page_shows_overdue_and_marks_done(setup, client):
    s = setup
    feb = services.meeting_create_monthly(group=s["group"], month=D(2026, 2, 1))[0]
    client.force_login(s["office"])
    page = client.get(reverse("oversight:meeting-detail", args=[s["jan"].pk])).content.decode()
    # the item is overdue today (due 22 January 2026): marked, with the office's 办结 form
    assert 'data-testid="action-overdue"' in page and 'data-testid="action-done-form"' in page
    later = client.get(reverse("oversight:meeting-detail", args=[feb.pk])).content.decode()
    assert 'data-testid="carried-actions"' in later and "督促补报备案" in later
    url = reverse("oversight:action-done", args=[s["item"].pk])
    response = client.post(url, {"done_on": "2026-01-11", "note": "已补报"}, follow=True)
    assert "完成日期不能早于会议召开日期" in response.content.decode()
    assert ActionItem.objects.get(pk=s["item"].pk).done_on is None
    response = client.post(url, {"done_on": "2026-01-20", "note": "已补报"})
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("oversight:meeting-detail", args=[s["jan"].pk]))
    assert ActionItem.objects.get(pk=s["item"].pk).done_by == s["office"]
    page = client.get(reverse("oversight:meeting-detail", args=[s["jan"].pk])).content.decode()
    assert 'data-testid="action-overdue"' not in page and "已办结" in page
    assert 'data-testid="carried-actions"' not in client.get(
        reverse("oversight:meeting-detail", args=[feb.pk])).content.decode()


def test_meeting_page_without_the_route_has_no_done_form(setup, client, settings):
    """Until the route is mounted (coord/hunks/O.md) the page renders, without the form."""
    from django.urls import NoReverseMatch

    client.force_login(setup["office"])
    response = client.get(reverse("oversight:meeting-detail", args=[setup["jan"].pk]))
    assert response.status_code == 200
    try:
        reverse("oversight:action-done", args=[setup["item"].pk])
    except NoReverseMatch:
        assert 'data-testid="action-done-form"' not in response.content.decode()
    else:
        assert 'data-testid="action-done-form"' in response.content.decode()

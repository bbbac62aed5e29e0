"""The persona matrix over the notices' pages and /api/v1/notifications/ (core.testing.cases).

A notice is its addressee's alone (``owner``, ``owner_only``): anyone else, the administrator
included, gets 404 on it, for reading and for marking it read; every signed-in user has notices,
with or without a membership. Mail, the daily job and the badge are in test_notifications.py.
"""

from __future__ import annotations

import datetime
import itertools

from core.notifications import registry, services
from core.notifications.models import Notification
from core.testing.cases import Route, ScopedAPICases, ScopedPageCases

KIND = registry.register_kind(registry.NoticeKind("test.matrix", "矩阵提醒", title="第%(n)s号矩阵事项"))
serial = itertools.count(1)


def a_notice(self, division, m) -> Notification:
    n = next(serial)
    addressee = self.owner_of(m, division)
    [pk] = services.notifications_create(drafts=[registry.Draft(
        addressee_id=addressee.pk, kind=KIND.code, subject_key=f"test.matrix:{n}", day=datetime.date(2026, 12, 2),
        url="/", params={"n": n})])
    return Notification.objects.get(pk=pk)


class TestNotificationAPI(ScopedAPICases):
    basename = "notifications-api:notification"
    owner, owner_only = "clerk_linxi", True
    membership_required = False
    actions = {"read": {}}
    extra_routes = (Route("notifications-api:notification-read-all", "POST", kwargs=None, write=True, expect=200),)
    query_budget = 3
    make = a_notice


class TestNoMembershipNotificationAPI(TestNotificationAPI):
    """A login without membership reads and marks its own notices too."""

    owner = "nobody"


class TestNotificationPages(ScopedPageCases):
    list_name = "notifications:list"
    detail_name = "notifications:detail"
    actions = {"notifications:read": {}}
    extra_routes = (Route("notifications:read-all", "POST", kwargs=None, write=True, expect=302),)
    owner, owner_only = "clerk_linxi", True
    query_budget = 7
    make = a_notice

"""The notices page: the user's own notices (unread / all), one notice, marking read (POST)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.paging import keyset_page

from . import selectors, services


def _next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def notification_list(request):
    tab = "all" if request.GET.get("tab") == "all" else "unread"
    notices = selectors.notification_list(user=request.user, unread=tab == "unread")
    page = keyset_page(notices, request.GET)
    return render(request, "notifications/notification_list.html", {
        "tab": tab, "page": page, "object_list": page.rows, "querystring": f"tab={tab}",
    })


@login_required
def notification_detail(request, pk: int):
    notice = selectors.notification_get(user=request.user, pk=pk)
    return render(request, "notifications/notification_detail.html", {"notice": notice})


@require_POST
@login_required
def notification_read(request, pk: int):
    """Mark one read; with ``open=1`` go on to what it is about."""
    notice = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notice, actor=request.user)
    if request.POST.get("open") and notice.url:
        return redirect(notice.url)
    return redirect(_next(request, "notifications:list"))


@require_POST
@login_required
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect(_next(request, "notifications:list"))

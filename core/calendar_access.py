"""Who may enter the holiday calendar (DOMAIN.md §0, §7): the one place the rule lives.

- A year the calendar does not know yet may be entered by anyone holding the Django
  permission ``core.add_calendaryear``. The county's leading-group office and the superior
  roles above it (city or province offices, superior departments) hold it through
  ``regions.backends.RolePermissionBackend``; an administrator may also grant it to a user
  directly. core names the permission and never asks about roles: roles live in regions,
  which sits above core (import-linter's layer contract).
- A year that is already entered (from the notice or from the package) is changed only by a
  superuser: everyone's deadlines were counted on it.
- Everybody signed in may read the calendar.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import CalendarSource, CalendarYear

ENTER_PERMISSION = "core.add_calendaryear"

__all__ = ["ENTER_PERMISSION", "calendar_entry_refusal", "may_enter_calendar"]


def may_enter_calendar(user) -> bool:
    """May ``user`` enter a year the calendar does not know yet (for links and banners)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(ENTER_PERMISSION)


def calendar_entry_refusal(user, year: int | None = None) -> str | None:
    """Why ``user`` may not enter ``year`` now, in words for the user; None when they may.

    ``year`` None asks about entering some new year (the empty entry form).
    """
    if not getattr(user, "is_authenticated", False):
        return "请先登录。"
    if not user.is_active:
        return "该账号已停用。"
    if user.is_superuser:
        return None
    existing = CalendarYear.objects.filter(year=year).first() if year is not None else None
    if existing is not None:
        how = "从 chinese-calendar 软件包导入" if existing.source == CalendarSource.PACKAGE else "录入"
        on = timezone.localtime(existing.created_at)
        return (
            f"{year}年的节假日安排已于{on.year}年{on.month}月{on.day}日{how}，各项期限已按它计算。"
            "已录入年度的修改只能由系统管理员进行；如通知有误或有补充通知，请联系系统管理员。"
        )
    if not user.has_perm(ENTER_PERMISSION):
        return (
            "节假日年度由县（市）领导小组办公室或上级部门按国务院办公厅的放假通知录入。"
            "您的账号可以查看节假日日历，但不能录入；如需录入，请联系领导小组办公室。"
        )
    return None

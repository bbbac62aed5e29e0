"""HTML pages of core: the holiday calendar. Mounted at the site root by config/urls.py."""

from django.urls import path

from . import views_calendar, views_calendar_notice

app_name = "core"

urlpatterns = [
    path("calendar/", views_calendar.calendar_year_list, name="calendar-year-list"),
    path("calendar/notice/", views_calendar_notice.calendar_notice, name="calendar-notice"),
    path("calendar/manual/", views_calendar.calendar_manual, name="calendar-manual"),
    path("calendar/<int:year>/", views_calendar.calendar_year_detail, name="calendar-year-detail"),
]

"""Pages of oversight: the office's writes on a leading group (issue 14 §1), included by oversight/urls.py."""

from django.urls import path

from . import views_groups as v

urlpatterns: list = [
    path("groups/<int:pk>/members/new/", v.GroupMemberAddView.as_view(), name="group-member-add"),
    path("groups/<int:pk>/towns/new/", v.GroupTownSteerView.as_view(), name="group-town-steer"),
]

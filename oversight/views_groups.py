"""The office's writes on a leading group's page (issue 14 §1): add a member (添加成员) and a
pilot town the group steers (增加指导镇). Pages on core's ServiceFormView: the group read through
its scope (404 outside), written only by the office over it (403), each form written by one
service inside a savepoint (nothing half-written), errors per field in Chinese."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.generic.forms import ServiceFormView

from . import forms_groups as f
from . import selectors, services
from .models import LeadingGroup

NAV = "oversight/_nav.html"


class _GroupStep(ServiceFormView):
    """A form on one group (the URL's pk is the group's)."""

    model = LeadingGroup
    nav_template = NAV
    nav_active = "groups"

    def get_queryset(self):
        return selectors.group_list(user=self.request.user)

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data, group=obj) if data is not None else self.form_class(group=obj)

    def form_context(self, form):
        return {"active": "groups", "back": reverse("oversight:group-detail", args=[self.kwargs["pk"]])}

    def success_url(self, row):
        return reverse("oversight:group-detail", args=[row.group_id])


class GroupMemberAddView(_GroupStep):
    form_class = f.MemberAddForm
    title = _("添加成员")
    form_testid = "member-form"

    def update(self, group, form):
        return services.member_add(group=group, actor=self.request.user, **form.cleaned_data)

    def success_message(self, member, *, created):
        return gettext("已添加成员：%(name)s（%(role)s）") % {"name": member.name, "role": member.get_role_display()}


class GroupTownSteerView(_GroupStep):
    form_class = f.TownSteerForm
    title = _("增加指导镇")
    form_testid = "steer-form"

    def update(self, group, form):
        return services.town_steer(group=group, actor=self.request.user, **form.cleaned_data)

    def success_message(self, steered, *, created):
        return gettext("已增加联系指导的试点镇：%(town)s") % {"town": steered.town.name}

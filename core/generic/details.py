"""``ScopedDetailView``: one row the user may see (else 404), with tabs; the history tab is built in.

    class ItemDetailView(ScopedDetailView):
        template_name = "delegation/item_detail.html"
        context_object_name = "item"
        tabs = (("assignments", _("承接情况")),)  # between 详情 and 变更历史
        states, state_field = ItemStatus, "status"  # → ``actions``: which workflow buttons to offer

        def get_queryset(self):
            return selectors.item_list(user=self.request.user)

        def get_detail_context(self, item):
            return {"status_changes": selectors.item_status_changes(item=item)}

Context: ``object`` (and ``context_object_name``), ``tab`` (the tab asked for by ``?tab=``,
else "details"), ``tabs`` (for ``generic/detail_tabs.html``), ``history`` (``core.history``'s
table, read only on the history tab), ``can_change`` and, when ``states`` is declared and the
user may change the row, ``actions``: each declared transition → allowed from the row's state.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.history import history_table

from . import access

DETAILS, HISTORY = "details", "history"


class ScopedDetailView(LoginRequiredMixin, TemplateView):
    model = None
    queryset = None
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    context_object_name = ""
    template_name = "generic/detail.html"

    tabs: tuple[tuple[str, str], ...] = ()  # (name, label) of the app's own tabs
    history_tab = True
    states = None  # a core.states.StatusChoices
    state_field = "status"

    def get_queryset(self):
        """The rows the user may see; override to read through the app's selector instead."""
        return access.declared_rows(self)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]})

    def get_state(self, obj):
        return getattr(obj, self.state_field)

    def get_can_change(self, obj) -> bool:
        return access.can(self.request.user, access.CHANGE, obj)

    def get_detail_context(self, obj) -> dict:
        """The app's part of the page (related rows, forms of the actions)."""
        return {}

    def get_tabs(self) -> list[tuple[str, str]]:
        tabs = [(DETAILS, _("详情")), *self.tabs]
        if self.history_tab:
            tabs.append((HISTORY, _("变更历史")))
        return tabs

    def get_context_data(self, **kwargs):
        obj = self.object = self.get_object()
        tabs = self.get_tabs()
        asked = self.request.GET.get("tab")
        tab = asked if asked in {name for name, _label in tabs} else DETAILS
        can_change = self.can_change = self.get_can_change(obj)
        context = {
            **super().get_context_data(**kwargs),
            "object": obj,
            "tab": tab,
            "tabs": tabs,
            "can_change": can_change,
            "view": self,
        }
        if self.context_object_name:
            context[self.context_object_name] = obj
        if tab == HISTORY:
            context["history"] = history_table(obj)
        if self.states is not None:
            context["actions"] = self.states.actions_from(self.get_state(obj)) if can_change else {}
        context.update(self.get_detail_context(obj))
        return context

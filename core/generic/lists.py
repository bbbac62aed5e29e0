"""``ScopedListView``: a scoped, filtered list with keyset pagination and a fixed query count.

A list declares where its rows come from (``queryset`` / ``model``, scoped through
``access.scope``, or ``get_queryset()`` returning an app selector's already scoped queryset),
its FilterSet, its ordering and either its columns (rendered in Python by ``columns.py``, the
cheap way) or a template of its own. The page costs the same on page 1 and page 20,000: no
COUNT, the keyset is the id (``core/paging.py``), and ``decorate`` may prepare each row in
Python but must not query.

    class AgreementListView(ScopedListView):
        title = _("协议书")
        queryset = Agreement.objects.select_related("division")
        filterset_class = AgreementFilterSet
        create_url = "delegation:agreement-create"
        columns = (Column(_("协议编号"), "number", link="delegation:agreement-detail"), ...)
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.paging import keyset_page

from . import access
from .columns import Column, render_rows


class ScopedListView(LoginRequiredMixin, TemplateView):
    model = None
    queryset = None
    filterset_class = None
    page_size = 50
    ordering = "-id"  # keyset on the id: "-id" (newest first) or "id"
    template_name = "generic/list.html"

    # what the generic template shows (a template of its own may ignore them)
    title = ""
    columns: tuple[Column, ...] = ()
    create_url = ""  # URL name of the create page, offered to those who write the model
    create_label = _("新建")
    nav_template = ""  # the app's tab bar, included above the title
    nav_active = ""
    empty_text = _("没有符合条件的记录")
    table_testid = ""

    def get_queryset(self):
        """The rows the user may see; override to read through the app's selector instead."""
        return access.declared_rows(self)

    def get_model(self):
        return self.model or getattr(self.queryset, "model", None)

    def decorate(self, rows: list) -> list:
        """Prepare each row for the page (labels, links) without a query."""
        return rows

    def row_attrs(self, row) -> dict:
        """Attributes of each row's ``<tr>`` (for the generic template)."""
        return {}

    def get_extra_context(self) -> dict:
        """Anything else the page shows; each query here is paid on every page."""
        return {}

    def can_create(self) -> bool:
        model = self.get_model()
        return bool(model is not None and access.may_write_model(self.request.user, model))

    def get_context_data(self, **kwargs):
        base = self.get_queryset()
        filterset, qs = None, base
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET or None, queryset=base, request=self.request)
            qs = filterset.qs  # an invalid filter shows its error and no rows (core.filtering)
        self.filterset = filterset
        page = keyset_page(qs, self.request.GET, size=self.page_size, descending=self.ordering.startswith("-"))
        page.rows = self.decorate(page.rows)
        query = self.request.GET.copy()
        query.pop("after", None)
        query.pop("before", None)
        context = {
            **super().get_context_data(**kwargs),
            "object_list": page.rows,
            "filter": filterset,
            "page": page,
            "querystring": query.urlencode(),
            "view": self,
        }
        if self.columns:
            context["rows_html"] = render_rows(self.columns, page.rows, row_attrs=self.row_attrs)
        if self.create_url:
            context["can_create"] = self.can_create()
        context.update(self.get_extra_context())
        return context

"""HTML views of the hierarchy: lists and detail pages (with history), department edit."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView, UpdateView

from core.history import history_table
from core.paging import keyset_page

from . import services
from .filtersets import DepartmentFilterSet, DivisionFilterSet
from .forms import DepartmentForm
from .models import Department, Division
from .permissions import ChangePermissionMixin, ScopedQuerysetMixin
from .scoping import CHANGE, can


class FilteredKeysetListView(LoginRequiredMixin, ScopedQuerysetMixin, ListView):
    """A scoped, filtered list with keyset pagination (no COUNT, constant cost on deep pages)."""

    filterset_class = None
    page_size = 50

    def get_context_data(self, **kwargs):
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        qs = filterset.qs  # an invalid filter shows its error and no rows (core.filtering)
        page = keyset_page(qs, self.request.GET, size=self.page_size)
        query = self.request.GET.copy()
        query.pop("after", None)
        query.pop("before", None)
        return {
            **super().get_context_data(object_list=page.rows, **kwargs),
            "filter": filterset,
            "page": page,
            "querystring": query.urlencode(),
        }


class HistoryDetailView(LoginRequiredMixin, ScopedQuerysetMixin, DetailView):
    """A scoped detail page with a history tab (?tab=history)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tab"] = "history" if self.request.GET.get("tab") == "history" else "details"
        if context["tab"] == "history":
            context["history"] = history_table(self.object)
        context["can_change"] = can(self.request.user, CHANGE, self.object)
        return context


class DivisionListView(FilteredKeysetListView):
    model = Division
    queryset = Division.objects.select_related("parent")
    filterset_class = DivisionFilterSet
    template_name = "regions/division_list.html"


class DivisionDetailView(HistoryDetailView):
    model = Division
    queryset = Division.objects.select_related("parent")
    template_name = "regions/division_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["departments"] = self.object.departments.all()
        context["pilots"] = self.object.pilot_designations.all()
        return context


class DepartmentListView(FilteredKeysetListView):
    model = Department
    queryset = Department.objects.select_related("division")
    filterset_class = DepartmentFilterSet
    template_name = "regions/department_list.html"


class DepartmentDetailView(HistoryDetailView):
    model = Department
    queryset = Department.objects.select_related("division")
    template_name = "regions/department_detail.html"


class DepartmentUpdateView(LoginRequiredMixin, ScopedQuerysetMixin, ChangePermissionMixin, UpdateView):
    model = Department
    form_class = DepartmentForm
    template_name = "regions/department_form.html"

    def form_valid(self, form):
        self.object = services.department_update(
            department=self.get_object(), actor=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, gettext("已保存：%(item)s") % {"item": self.object})
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("regions:department-detail", args=[self.object.pk])

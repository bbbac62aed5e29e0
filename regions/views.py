"""HTML views of the hierarchy, declared on core's generic views: lists and detail pages (with
history), department edit through its service. Rows are scoped by core.generic.access, which
reaches regions.scoping through the GENERIC_SCOPING setting."""

from django.urls import reverse
from django.utils.translation import gettext

from core.generic.details import ScopedDetailView
from core.generic.forms import ServiceFormView
from core.generic.lists import ScopedListView

from . import services
from .filtersets import DepartmentFilterSet, DivisionFilterSet
from .forms import DepartmentForm
from .models import Department, Division


class DivisionListView(ScopedListView):
    queryset = Division.objects.select_related("parent")
    filterset_class = DivisionFilterSet
    template_name = "regions/division_list.html"


class DivisionDetailView(ScopedDetailView):
    queryset = Division.objects.select_related("parent")
    template_name = "regions/division_detail.html"

    def get_detail_context(self, division):
        return {
            "children": division.children.all(),
            "departments": division.departments.all(),
            "pilots": division.pilot_designations.all(),
        }


class DepartmentListView(ScopedListView):
    queryset = Department.objects.select_related("division")
    filterset_class = DepartmentFilterSet
    template_name = "regions/department_list.html"


class DepartmentDetailView(ScopedDetailView):
    queryset = Department.objects.select_related("division")
    template_name = "regions/department_detail.html"


class DepartmentUpdateView(ServiceFormView):
    model = Department
    form_class = DepartmentForm
    template_name = "regions/department_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division")

    def get_form_kwargs(self):
        return {}

    def update(self, department, form):
        return services.department_update(department=department, actor=self.request.user, **form.cleaned_data)

    def success_url(self, department):
        return reverse("regions:department-detail", args=[department.pk])

    def success_message(self, department, *, created):
        return gettext("已保存：%(item)s") % {"item": department}

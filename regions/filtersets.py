import django_filters

from .models import Department, Division, PilotDesignation


class DivisionFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称")

    class Meta:
        model = Division
        fields = ["level", "parent", "code", "name"]


class DepartmentFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称")

    class Meta:
        model = Department
        fields = ["division", "is_active", "name"]


class PilotDesignationFilterSet(django_filters.FilterSet):
    class Meta:
        model = PilotDesignation
        fields = ["kind", "batch", "division"]

"""landuse's kinds on core.importing: projects and allocations (landuse.resources), registered
from ``LanduseConfig.ready()``; the import page is /landuse/import/ (landuse/urls_import.py, with
landuse's menu). Exports hold the exporter's own rows (the selectors' scope)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.importing import registry
from regions import scoping

from . import selectors
from .models import Allocation, Project
from .resources import AllocationResource, ProjectResource


def _projects(*, user, filters=None, request=None):
    return selectors.project_list(user=user).order_by("id")


def _allocations(*, user, filters=None, request=None):
    return selectors.allocation_list(user=user).order_by("id")


def register() -> None:
    registry.register(
        "landuse.project", ProjectResource, label=_("用地项目"), export_queryset=_projects,
        may_import=lambda user: scoping.may_write_model(user, Project),
        may_export=lambda user: bool(user.is_superuser or scoping.grants(user)),
        help_text=_("用地项目按镇、指标年度和项目名称对应：新项目登记为“登记”状态；已登记未报批的项目可更正；报批和批准不能通过导入办理。"))
    registry.register(
        "landuse.allocation", AllocationResource, label=_("指标下达"), export_queryset=_allocations,
        may_import=lambda user: scoping.may_write_model(user, Allocation),
        may_export=lambda user: bool(user.is_superuser or scoping.grants(user)),
        help_text=_("每行一笔下达或调剂，由调出方的领导小组办公室导入；导出文件中已登记的行再次导入时不重复下达。"))
    registry.register_app("landuse", start="landuse-import:start", nav_template="landuse/_nav.html")

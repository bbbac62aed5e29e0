"""API of the auditor's report bundle (issue 14 §6): ask for one (POST: a division and a period),
follow its progress, and once done get the checked download link of its PDF. Scoped: the bundles
of the divisions where the caller audits or is the office (404 elsewhere)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from core import files
from core.api.fields import ScopedPrimaryKeyRelatedField, StrictDateField
from core.api.serializers import PlainModelSerializer
from core.api.viewsets import ServiceViewSet
from regions.models import Division

from .. import services_bundle
from ..models import Bundle


class BundleSerializer(PlainModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label="审计范围")
    period_from = StrictDateField(label="起始日期")
    period_to = StrictDateField(label="截止日期")
    division_name = serializers.CharField(source="division.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    percent = serializers.IntegerField(read_only=True, help_text="进度（%）")
    download_url = serializers.SerializerMethodField(help_text="PDF下载地址（经权限检查；完成前为空）")

    class Meta:
        model = Bundle
        fields = ["id", "division", "division_name", "period_from", "period_to", "requested_by", "state",
                  "sections_done", "sections_total", "percent", "page_count", "seconds", "message", "created_at",
                  "generated_at", "download_url"]
        read_only_fields = ["state", "sections_done", "sections_total", "page_count", "seconds", "message",
                            "created_at", "generated_at"]

    def get_download_url(self, obj) -> str:
        if obj.state != Bundle.State.DONE:
            return ""
        try:
            return files.url_for(obj, "pdf")
        except ImproperlyConfigured:
            return ""


def _create(*, actor, division, period_from, period_to):
    return services_bundle.bundle_create(division=division, period_from=period_from, period_to=period_to, actor=actor)


@extend_schema_view(list=extend_schema(summary="审计报告材料列表"), retrieve=extend_schema(summary="审计报告材料（进度与下载地址）"),
                    create=extend_schema(summary="生成审计报告材料"))
class BundleViewSet(ServiceViewSet):
    queryset = Bundle.objects.all()
    serializer_class = BundleSerializer
    create_service = _create
    history = None

    def get_scoped_queryset(self, user):
        return services_bundle.bundle_list(user=user).order_by("-id")

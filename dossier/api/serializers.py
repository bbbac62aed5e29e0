"""Serializers of the dossier API: the towns one may open a dossier of, the period asked for, and
the dossier's sections (oversight.bundle's Section and Table, as the page shows them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from rest_framework import serializers

from core.api.serializers import PlainSerializer
from regions.models import Division


def _query(start, end) -> str:
    return f"?start={start.isoformat()}&end={end.isoformat()}" if start and end else ""


class TownSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="parent.name", default="", read_only=True, help_text="所属县（市、区）")
    dossier = serializers.SerializerMethodField(help_text="该镇档案（本接口）")
    page = serializers.SerializerMethodField(help_text="该镇档案的页面")
    pdf = serializers.SerializerMethodField(help_text="该镇档案的 PDF（本接口，默认期间）")

    class Meta:
        model = Division
        fields = ["id", "code", "name", "county", "dossier", "page", "pdf"]
        read_only_fields = fields

    def get_dossier(self, obj) -> str:
        return reverse("dossier-api:town-detail", args=[obj.pk])

    def get_page(self, obj) -> str:
        return reverse("dossier:town", args=[obj.pk])

    def get_pdf(self, obj) -> str:
        return reverse("dossier-api:town-pdf", args=[obj.pk])


class PeriodInput(PlainSerializer):
    """``?start=&end=`` (YYYY-MM-DD), each defaulting to ``context["default"]``'s (the town's
    period: from its first pilot designation to today)."""

    start = serializers.DateField(required=False, label="起始日期")
    end = serializers.DateField(required=False, label="截止日期")

    def validate(self, attrs):
        default_start, default_end = self.context["default"]
        start, end = attrs.get("start") or default_start, attrs.get("end") or default_end
        if end < start:
            raise serializers.ValidationError({"end": [gettext("截止日期不能早于起始日期。")]})
        return {"start": start, "end": end}


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class RowSerializer(serializers.Serializer):
    cells = serializers.ListField(child=serializers.CharField())
    link = serializers.CharField(help_text="该行记录的页面（无则为空）")


class TableSerializer(serializers.Serializer):
    caption = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    total = serializers.ListField(child=serializers.CharField(), allow_null=True, help_text="合计行（无则为 null）")
    note = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="profile catalogue records finance ledger establishment land findings")
    title = serializers.CharField()
    link = serializers.CharField(help_text="本部分的记录所在页面（列表页）")
    link_label = serializers.CharField()
    figures = FigureSerializer(many=True)
    paragraphs = serializers.ListField(child=serializers.CharField())
    tables = TableSerializer(many=True)


class DossierSerializer(serializers.Serializer):
    town = TownSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    page = serializers.CharField(help_text="本期间的档案页面")
    pdf = serializers.CharField(help_text="本期间的档案 PDF（本接口）")
    sections = SectionSerializer(many=True)


def section_data(section) -> dict:
    """A bundle Section as plain data (the same cells and links the page shows)."""
    return {
        "key": section.key, "title": str(section.title), "link": section.link, "link_label": str(section.link_label),
        "figures": [{"label": str(label), "value": str(value)} for label, value in section.figures],
        "paragraphs": [str(p) for p in section.paragraphs],
        "tables": [{
            "caption": str(t.caption), "columns": [str(c) for c in t.columns],
            "rows": [{"cells": [str(c) for c in row], "link": link or ""} for row, link in t.linked_rows],
            "total": [str(c) for c in t.total] if t.total is not None else None, "note": str(t.note),
        } for t in section.tables],
    }


def dossier_data(*, town, start, end, sections, context) -> dict:
    query = _query(start, end)
    return {"town": TownSerializer(town, context=context).data, "start": start, "end": end,
            "page": reverse("dossier:town", args=[town.pk]) + query,
            "pdf": reverse("dossier-api:town-pdf", args=[town.pk]) + query,
            "sections": [section_data(s) for s in sections]}

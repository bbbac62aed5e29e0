"""The implementation plan (实施方案, DOMAIN.md §10): the office's wording templates per section, the
plans of pilot towns (or pilot counties) and every saved version of their Markdown text.

Nothing is deleted (protect_deletes); a saved version is never changed either: a new one is saved.
"""

from __future__ import annotations

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Level, Role
from regions.models import Division

from .choices import Section, VersionKind

DEFAULT_MIN_CHARS = 1503  # the seed's request: 最低1503字


@track()
class WordingTemplate(AuditedModel):
    """The wording of one section (措辞模板): a heading, a body and the wording used when the
    section's data is absent. Bodies are Django template text over the section's named fields
    (plans.templating). The rows without a division are the defaults (loaded by a data
    migration); an office that edits a section gets its own row for its division, which the
    drafts of the towns below it use."""

    division = models.ForeignKey(Division, verbose_name=_("适用区划"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", help_text=_("空：全省默认措辞"))
    section = models.CharField(_("章节"), max_length=24, choices=Section.choices)
    heading = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文模板"), help_text=_("Markdown 文本；{{ 字段名 }} 处填入系统数据"))
    missing_text = models.TextField(_("缺少数据时的措辞"), help_text=_("该章节的数据缺失时使用"))

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("措辞模板")
        verbose_name_plural = _("措辞模板")
        ordering = ["division_id", "section"]
        constraints = [
            models.UniqueConstraint(fields=["section"], condition=Q(division__isnull=True),
                                    name="plans_template_one_default"),
            models.UniqueConstraint(fields=["division", "section"], condition=Q(division__isnull=False),
                                    name="plans_template_one_per_division"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.get_section_display()}（{self.division.name if self.division_id else _('默认')}）"


@track()
class Plan(AuditedModel):
    """The implementation plan of a pilot town (or a pilot county) under a title the office chose."""

    division = models.ForeignKey(Division, verbose_name=_("试点镇（县）"), on_delete=models.PROTECT,
                                 related_name="plans")
    title = models.CharField(_("标题"), max_length=200)
    min_chars = models.PositiveIntegerField(_("最低字数"), default=DEFAULT_MIN_CHARS,
                                            validators=[MinValueValidator(1), MaxValueValidator(100000)])

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering = ["-id"]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.title

    def clean(self):
        self.title = (self.title or "").strip()
        if self.division_id and self.division.level not in (Level.TOWN, Level.COUNTY):
            raise ValidationError({"division": _("实施方案只能为试点镇或试点县起草。")})


@track()
class PlanVersion(AuditedModel):
    """One saved version of a plan's Markdown text: who saved it and when (the author columns),
    how many characters it counts (plans.rules.count_chars). Kept for ever, never changed."""

    plan = models.ForeignKey(Plan, verbose_name=_("实施方案"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    kind = models.CharField(_("来源"), max_length=8, choices=VersionKind.choices)
    markdown = models.TextField(_("正文（Markdown）"))
    char_count = models.PositiveIntegerField(_("字数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    jurisdiction_field = "plan__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_number_unique")]
        triggers = [protect_deletes(), pgtrigger.Protect(name="protect_updates", operation=pgtrigger.Update)]

    def __str__(self):
        return f"{self.plan.title} v{self.number}"

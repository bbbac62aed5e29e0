"""Writes of plans: a plan drafted from the data, every saved version kept, the office's wording.

The draft is assembled here from the wording templates (plans.templating) and the facts the other
apps hold (plans.selectors.plan_facts), in the structure every seed follows; no text is generated
by anything else. A section whose data is absent gets its template's "missing" wording.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.services import save_validated
from regions import scoping
from regions.models import Division

from . import rules, selectors, templating
from .choices import CHAPTERS, COMMON_FIELDS, POLICY_SECTIONS, SECTION_FIELDS, Section, VersionKind
from .models import DEFAULT_MIN_CHARS, Plan, PlanVersion, WordingTemplate

CHAPTER_NUMBERS = "一二三四五六七八九十"


def _require_write(actor, obj) -> None:
    if actor is not None and not scoping.can(actor, scoping.CHANGE, obj):
        raise PermissionDenied(_("只有该区划的领导小组办公室才能起草和修改实施方案。"))


# --- the draft -----------------------------------------------------------------------------------
def draft_markdown(*, division: Division, title: str, user, today: datetime.date | None = None) -> str:
    """The Markdown draft of ``division``'s plan under ``title``: each section's wording filled
    with its facts, or its "missing" wording when the system holds none. The plan is a Chinese
    document whatever the language of the page it is drafted from."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draft(division=division, title=title, user=user, today=today)


def _draft(*, division: Division, title: str, user, today: datetime.date | None) -> str:
    today = today or timezone.localdate()
    templates = selectors.effective_templates(division=division)
    facts = selectors.plan_facts(town=division, user=user, today=today)
    common = selectors.common_facts(town=division, title=title, today=today)

    def section(key: str) -> tuple[str, str]:
        template = templates.get(key)
        if template is None:
            raise ApplicationError(_("缺少“%(section)s”的措辞模板。") % {"section": Section(key).label},
                                   code="template_missing")
        data = facts.get(key)
        text = templating.fill(template.body, {**common, **data}) if data is not None else \
            templating.fill(template.missing_text, common)
        return template.heading, text

    parts = [f"# {title}", ""]
    for number, key in zip(CHAPTER_NUMBERS, CHAPTERS, strict=False):
        if key is None:
            parts += [f"## {number}、{_('政策措施')}", ""]
            for sub, policy in zip(CHAPTER_NUMBERS, POLICY_SECTIONS, strict=False):
                heading, text = section(policy)
                parts += [f"### （{sub}）{heading}", "", text, ""]
            continue
        heading, text = section(key)
        parts += [f"## {number}、{heading}", "", text, ""]
    return "\n".join(parts).rstrip() + "\n"


def _next_number(plan: Plan) -> int:
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one version number at a time
    return (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _version(*, plan: Plan, kind: str, markdown: str, note: str, actor) -> PlanVersion:
    version = PlanVersion(plan=plan, number=_next_number(plan), kind=kind, markdown=markdown,
                          char_count=rules.count_chars(markdown), note=note.strip())
    return save_validated(version, actor)


@transaction.atomic
def plan_create(*, division: Division, title: str, min_chars: int = DEFAULT_MIN_CHARS, actor=None,
                today: datetime.date | None = None) -> Plan:
    """A plan for a pilot town (or county) under ``title``, with its first version drafted from the data."""
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("请填写方案标题。"), code="title_required", extra={"title": [_("请填写方案标题。")]})
    plan = Plan(division=division, title=title, min_chars=min_chars)
    _require_write(actor, plan)
    if actor is not None and not selectors.plan_towns(user=actor).filter(pk=division.pk).exists():
        raise ApplicationError(_("%(division)s不是试点镇（县），不能起草实施方案。") % {"division": division.name},
                               code="not_pilot", extra={"division": [_("请选择试点镇（县）。")]})
    plan = save_validated(plan, actor)
    _version(plan=plan, kind=VersionKind.DRAFT, markdown=draft_markdown(division=division, title=title, user=actor,
                                                                        today=today),
             note=_("据系统数据起草"), actor=actor)
    return plan


@transaction.atomic
def plan_redraft(*, plan: Plan, actor=None, today: datetime.date | None = None) -> PlanVersion:
    """A new version drafted again from today's data and wording (the earlier versions stay)."""
    _require_write(actor, plan)
    markdown = draft_markdown(division=plan.division, title=plan.title, user=actor, today=today)
    return _version(plan=plan, kind=VersionKind.DRAFT, markdown=markdown, note=_("据系统数据重新起草"), actor=actor)


@transaction.atomic
def version_save(*, plan: Plan, markdown: str, note: str = "", actor=None) -> PlanVersion:
    """Save the office's edited text as a new version (every version is kept)."""
    _require_write(actor, plan)
    markdown = (markdown or "").replace("\r\n", "\n").strip()
    if not markdown:
        raise ApplicationError(_("正文不能为空。"), code="markdown_required", extra={"markdown": [_("正文不能为空。")]})
    markdown += "\n"
    latest = selectors.latest_version(plan=plan)
    if latest is not None and latest.markdown == markdown:
        raise ApplicationError(_("正文与当前版本相同，未另存新版本。"), code="unchanged",
                               extra={"markdown": [_("正文与当前版本相同，未另存新版本。")]})
    return _version(plan=plan, kind=VersionKind.EDIT, markdown=markdown, note=note, actor=actor)


@transaction.atomic
def plan_update(*, plan: Plan, actor=None, **fields) -> Plan:
    """Change the title or the minimum length (the versions keep the text they were saved with)."""
    _require_write(actor, plan)
    for name in ("title", "min_chars"):
        if name in fields:
            setattr(plan, name, fields[name])
    return save_validated(plan, actor)


# --- the office's wording --------------------------------------------------------------------------
def template_fields(section: str) -> dict:
    return {**COMMON_FIELDS, **SECTION_FIELDS[Section(section)]}


@transaction.atomic
def template_update(*, division: Division, section: str, heading: str, body: str, missing_text: str,
                    actor=None) -> WordingTemplate:
    """The office's wording of ``section`` for ``division`` (its own row, made on the first edit;
    the default stays for everyone else). Refused when it uses a field the system does not provide."""
    names = template_fields(section)
    body, missing_text, heading = (body or "").strip(), (missing_text or "").strip(), (heading or "").strip()
    templating.check(body, names)
    templating.check(missing_text, COMMON_FIELDS)
    row = WordingTemplate.objects.select_for_update().filter(division=division, section=section).first()
    row = row or WordingTemplate(division=division, section=section)
    _require_write(actor, row)
    row.heading, row.body, row.missing_text = heading, body, missing_text
    return save_validated(row, actor)

"""The persona matrix over the plan pages (core.testing ScopedPageCases): the plans in scope and a
new draft (the office's), a plan with its versions and history, the edit page and its live
preview, a new draft from the data, the PDF; the wording templates (the office edits its own)."""

from __future__ import annotations

import itertools

from core.testing.cases import Route, ScopedPageCases

from .factories import pilot, plan

serial = itertools.count(1)


class TestPlanPages(ScopedPageCases):
    list_name = "plans:index"
    detail_name = "plans:detail"
    detail_queries = ({"tab": "history"}, {"tab": "versions"})
    create_name = "plans:create"
    edit_names = ("plans:edit",)
    edit_payload = {"markdown": "# 方案\n\n## 一、指导思想\n\n修改后的正文。", "note": "矩阵"}
    actions = {"plans:redraft": {}, "plans:preview": {"markdown": "# 方案\n\n预览正文"}}
    extra_routes = (Route("plans:pdf"),)
    rows = 1
    query_budget = 14

    def make(self, division, m):
        return plan(division)

    def create_payload(self, m, division):
        pilot(division)
        return {"division": division.pk, "title": f"{division.name}试点工作实施方案{next(serial)}", "min_chars": "1503"}


class TestTemplatePages(ScopedPageCases):
    """The wording in force for the user's division; a section's edit form and save (the office's)."""

    list_names = ("plans:template-list",)
    extra_routes = (
        Route("plans:template-edit", kwargs={"section": "finance"}, write=True, expect=200),
        Route("plans:template-edit", "POST", kwargs={"section": "finance"}, write=True, payload={
            "heading": "财政", "body": "以{{ base_year }}年为基数，基数{{ base_amount }}。",
            "missing_text": "{{ town }}尚无财政体制。"}),
    )
    query_budget = 10

"""What a new user tripped over when walking through the demo (issue 9's "use it as a new user
would"), each fixed and kept fixed here."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.paging import KeysetPage


@pytest.mark.parametrize("prev_before, next_after, shown", [
    (None, None, False), (None, 7, True), (9, None, True), (9, 7, True)])
def test_pagination_only_when_there_is_another_page(prev_before, next_after, shown):
    html = render_to_string("includes/pagination.html", {"page": KeysetPage([], next_after, prev_before)})
    assert ('data-testid="pagination"' in html) is shown
    if shown:  # the way that leads nowhere is greyed out, the other one links
        assert (not next_after or f"after={next_after}" in html) and (not prev_before or f"before={prev_before}" in html)
        assert html.count("disabled") == (prev_before is None) + (next_after is None)
        # a greyed-out button is no link at all: never ?before=None or ?after=None
        assert "=None" not in html and html.count("href=") == (prev_before is not None) + (next_after is not None)


@pytest.mark.django_db
def test_demo_lists_that_fit_one_page_show_no_dead_paging_buttons(personas, client_for):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    for user, name in (("office", "delegation:item-list"), ("clerk_linxi", "delegation:record-list"),
                       ("office", "notifications:list")):
        html = client_for(personas[user]).get(reverse(name)).content.decode()
        assert "上一页" not in html and "下一页" not in html, (user, name)

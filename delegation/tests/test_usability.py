"""What a new user tripped over (issue 6 §3): error pages with the reason, the tab bar on the
import page, the favicon, landing on the new record, the clerk's label and an explained empty
item list, the matrix saying why a cell cannot be assigned."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from delegation import services
from delegation.choices import TakeOverStatus
from delegation.models import Assignment, ExerciseRecord, Item
from regions.models import Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

LINXI, HUAYANG = "341824101", "341824100"


@pytest.fixture
def catalogue(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    return {i.code: i for i in Item.objects.all()}


# --- error pages --------------------------------------------------------------------------------
@override_settings(DEBUG=False)
def test_403_page_is_in_the_layout_and_gives_the_reason(client_for, personas, catalogue):
    response = client_for(personas["auditor"]).get(reverse("delegation:record-create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'data-status="403"' in html
    assert "您没有登记该类记录的权限。" in html  # the PermissionDenied's own words, not only the log
    assert 'data-testid="jurisdiction"' in html and "绩溪县" in html  # the site's navigation bar
    assert reverse("home") in html


@override_settings(DEBUG=False)
def test_404_page_is_in_the_layout(client_for, personas):
    response = client_for(personas["clerk_linxi"]).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and "页面不存在" in html
    assert 'data-testid="jurisdiction"' in html
    assert "URLconf" not in html  # never the debug page listing the URL patterns


@override_settings(DEBUG=False)
def test_500_page_renders_without_a_request_context(db):
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))  # Django renders it with an empty Context
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html and "系统错误" in html and "扩权强镇管理平台" in html


# --- tab bar, favicon -----------------------------------------------------------------------
def test_import_pages_keep_the_tab_bar(client_for, personas, catalogue):
    html = client_for(personas["office"]).get(reverse("delegation-import:start")).content.decode()
    assert 'data-testid="delegation-nav"' in html
    assert f'nav-link active" href="{reverse("delegation-import:start")}"' in html


def test_favicon_is_linked_and_served(client, client_for, personas):
    from django.contrib.staticfiles import finders

    html = client_for(personas["clerk_linxi"]).get(reverse("home")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


# --- after a create page -------------------------------------------------------------------
def test_registering_a_record_lands_on_the_new_record(client_for, personas, catalogue):
    c = client_for(personas["clerk_linxi"])
    response = c.post(reverse("delegation:record-create"), {
        "division": Division.objects.get(code=LINXI).pk, "item": catalogue["JX-FGW-001"].pk,
        "applicant": "临溪镇某公司", "received_on": "2026-11-02", "decided_on": "2026-11-03",
        "outcome": "approved", "decision_number": "临政备〔2026〕77号",
    })
    record = ExerciseRecord.objects.get(decision_number="临政备〔2026〕77号")
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:record-detail", args=[record.pk])
    page = c.get(response["Location"])
    assert "已登记办件：临政备〔2026〕77号" in page.content.decode()  # the success message shows there


def test_assigning_on_the_form_page_lands_on_the_new_assignment(client_for, personas, catalogue):
    linxi = Division.objects.get(code=LINXI)
    item = catalogue["JX-FGW-001"]
    held = Assignment.objects.get(item=item, division=linxi)
    services.assignment_revoke(assignment=held, actor=personas["office"], reason="重新交办")
    response = client_for(personas["office"]).post(reverse("delegation:assignment-create"), {
        "item": item.pk, "division": linxi.pk, "mode": "devolve", "receiving_unit": "便民服务中心",
    })
    new = Assignment.objects.get(item=item, division=linxi, takeover_status=TakeOverStatus.ASSIGNED)
    assert response.status_code == 302
    assert response["Location"] == reverse("delegation:assignment-detail", args=[new.pk])


# --- the clerk's label and an empty item list ------------------------------------------------
def test_clerk_is_labelled_by_whether_the_town_is_a_pilot(client_for, personas, catalogue):
    linxi = client_for(personas["clerk_linxi"]).get(reverse("home")).content.decode()
    other = client_for(personas["clerk_other"]).get(reverse("home")).content.decode()
    assert "临溪镇 · 试点镇经办人" in linxi
    assert "华阳镇 · 镇经办人" in other and "试点镇经办人" not in other


def test_record_form_explains_an_empty_item_list(client_for, personas, catalogue):
    message = "本镇尚无已承接的事项，无法登记办件。请联系领导小组办公室。"
    # 华阳镇 is no pilot and holds nothing.
    page = client_for(personas["clerk_other"]).get(reverse("delegation:record-create"))
    assert page.status_code == 200 and message in page.content.decode()
    # 临溪镇 holds items: no such message.
    c = client_for(personas["clerk_linxi"])
    assert message not in c.get(reverse("delegation:record-create")).content.decode()
    # A pilot town whose take-overs are all revoked is in the same position.
    for assignment in Assignment.objects.exclude(takeover_status=TakeOverStatus.REVOKED):
        services.assignment_revoke(assignment=assignment, actor=personas["office"], reason="测试收回")
    html = c.get(reverse("delegation:record-create")).content.decode()
    assert message in html and "disabled" in html


# --- the matrix says why a cell cannot be assigned -------------------------------------------
def test_matrix_shows_why_a_cell_cannot_be_assigned(client_for, personas, catalogue):
    response = client_for(personas["office"]).get(reverse("delegation:assignment-matrix"))
    html = response.content.decode()
    huayang = Division.objects.get(code=HUAYANG)
    # No 交办 form for a town that is no pilot, nor for a cross-town item.
    assert f'name="division" value="{huayang.pk}"' not in html
    assert "非试点镇" in html and "跨镇域事项" in html
    sand = catalogue["JX-SWJ-001"]  # spans several towns
    assert f'name="item" value="{sand.pk}"' not in html
    reasons = html.count('data-testid="cannot-assign"')
    matrix = response.context["matrix"]
    non_pilot = sum(1 for t in matrix.towns if not t.is_pilot)
    expected = sum(
        1 for row in matrix.rows for c in row.cells
        if c.assignment is None and (not c.town.is_pilot or row.item.spans_several_towns)
    )
    assert non_pilot >= 1 and reasons == expected > 0


def test_record_form_preselects_a_town_with_take_overs_and_the_filter_labels_stack(client_for, personas, catalogue,
                                                                                   demo):
    # walk finding 14: the office's form preselected 华阳镇 (no items); 临溪镇 holds the take-overs
    office = client_for(personas["office"])
    form = office.get(reverse("delegation:record-create")).context["form"]
    assert form.fields["division"].initial == demo["341824101"].pk
    assert form["division"].value() == demo["341824101"].pk
    html = office.get(reverse("delegation:record-list")).content.decode()
    assert 'class="form-label small mb-0 d-block"' in html and '<div class="d-flex gap-1">' in html

"""The notice and agreement PDFs are linked from the pages (issue 6 §3): before, they opened only
by typed URL. Each persona who may open them finds the links; out of scope both page and PDF are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from delegation.models import Agreement, Assignment, ExerciseRecord, Item
from regions.models import Division

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

LINXI = "341824101"


@pytest.fixture
def catalogue(personas):
    from delegation.demo import load_demo_delegation

    load_demo_delegation()
    linxi = Division.objects.get(code=LINXI)
    assignment = Assignment.objects.filter(division=linxi, agreement__isnull=False).first()
    return {"linxi": linxi, "assignment": assignment}


def notice_url(division):
    return reverse("delegation-reports:town-catalogue", args=[division.pk])


def agreement_url(assignment):
    return reverse("delegation-reports:assignment-agreement", args=[assignment.pk])


@pytest.mark.parametrize("persona", ["office", "auditor", "clerk_linxi", "superior"])
def test_links_are_on_the_pages_of_those_who_may_open_them(client_for, personas, catalogue, persona):
    c = client_for(personas[persona])
    linxi, assignment = catalogue["linxi"], catalogue["assignment"]
    record = ExerciseRecord.objects.filter(division=linxi).first()
    pages = {
        "division": (reverse("regions:division-detail", args=[linxi.pk]), [notice_url(linxi)]),
        "item": (reverse("delegation:item-detail", args=[assignment.item_id]),
                 [notice_url(linxi), agreement_url(assignment)]),
        "assignment": (reverse("delegation:assignment-detail", args=[assignment.pk]),
                       [notice_url(linxi), agreement_url(assignment)]),
        "agreement": (reverse("delegation:agreement-detail", args=[assignment.agreement_id]),
                      [notice_url(linxi), agreement_url(assignment)]),
        "record": (reverse("delegation:record-detail", args=[record.pk]), [notice_url(linxi)]),
    }
    for name, (page, links) in pages.items():
        html = c.get(page).content.decode()
        for link in links:
            assert f'href="{link}"' in html, (persona, name, link)
    for link in (notice_url(linxi), agreement_url(assignment)):  # and they open
        assert c.get(link)["Content-Type"] == "application/pdf", (persona, link)
    listing = c.get(reverse("regions:division-list")).content.decode()
    assert f'href="{notice_url(linxi)}"' in listing


def test_out_of_scope_pages_and_pdfs_are_404(client_for, personas, catalogue):
    c = client_for(personas["clerk_other"])
    linxi, assignment = catalogue["linxi"], catalogue["assignment"]
    assert c.get(reverse("regions:division-detail", args=[linxi.pk])).status_code == 404
    assert c.get(reverse("delegation:assignment-detail", args=[assignment.pk])).status_code == 404
    assert c.get(notice_url(linxi)).status_code == 404
    assert c.get(agreement_url(assignment)).status_code == 404
    # The catalogue item is visible to them (published), but lists no 临溪 assignment and so no 临溪 PDFs.
    html = c.get(reverse("delegation:item-detail", args=[assignment.item_id])).content.decode()
    assert agreement_url(assignment) not in html and notice_url(linxi) not in html
    assert f'href="{notice_url(linxi)}"' not in c.get(reverse("regions:division-list")).content.decode()
    agreement = Agreement.objects.get(pk=assignment.agreement_id)
    assert c.get(reverse("delegation:agreement-detail", args=[agreement.pk])).status_code == 404
    assert Item.objects.filter(pk=assignment.item_id).exists()

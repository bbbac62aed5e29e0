"""The dossier through the API (issue 15 §2: superiors read through the API): the same sections
as the page for 临溪镇 from the demo data, each linking to its records; the PDF by token; the
towns listed are the caller's; bad periods are structured 400s; the schema documents it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from .test_dossier import DEMOS, LINXI, PERIOD, TITLES, pdf_text

KEYS = ["profile", "catalogue", "records", "finance", "ledger", "establishment", "land", "findings"]


@pytest.fixture
def demo_all(demo, personas):
    import io

    for command in DEMOS:
        call_command(command, stdout=io.StringIO())
    return personas


def test_superior_reads_the_linxi_dossier_as_json_and_pdf(demo_all, demo, api_for, client):
    town = demo[LINXI]
    api = api_for(demo_all["superior"])
    response = api.get(f"/api/v1/dossier/towns/{town.pk}/?{PERIOD}")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert (body["town"]["code"], body["town"]["name"]) == (LINXI, "临溪镇")
    assert (body["start"], body["end"]) == ("2009-01-01", "2026-12-31")
    assert [s["key"] for s in body["sections"]] == KEYS
    assert [s["title"] for s in body["sections"]] == TITLES
    assert body["page"] == f"/dossier/towns/{town.pk}/?{PERIOD}"
    assert body["pdf"] == f"/api/v1/dossier/towns/{town.pk}/pdf/?{PERIOD}"
    by_key = {s["key"]: s for s in body["sections"]}
    assert by_key["findings"]["link"] == f"/oversight/findings/?town={town.pk}"
    assert by_key["finance"]["link"] == f"/finance/towns/{town.pk}/"
    assert by_key["land"]["link"] == f"/landuse/towns/{town.pk}/"
    assert by_key["establishment"]["link"] == f"/personnel/staffing/towns/{town.pk}/"
    # rows link to their records, as on the page; only 临溪镇's
    record_links = [row["link"] for t in by_key["records"]["tables"] for row in t["rows"] if row["link"]]
    assert record_links and all(link.startswith("/delegation/") for link in record_links)
    catalogue = str(by_key["catalogue"])
    assert "华阳镇" not in catalogue
    figures = {f["label"]: f["value"] for f in by_key["profile"]["figures"]}
    assert figures["区划代码"] == LINXI
    # the same sections and cells the page shows
    client.force_login(demo_all["superior"])
    page = client.get(body["page"]).content.decode()
    for section in body["sections"]:
        assert section["title"] in page
        for table in section["tables"]:
            for row in table["rows"][:3]:
                assert row["cells"][0] in page, row
    # the PDF by token, at the URL the answer gave
    pdf = api.get(body["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "临溪镇" in text and "一镇一档" in text and all(title in text for title in TITLES)


def test_default_period_and_the_towns_listed(personas, demo, api_for):
    api = api_for(personas["clerk_linxi"])
    towns = api.get("/api/v1/dossier/towns/").json()["results"]
    assert [t["code"] for t in towns] == [LINXI]
    town = towns[0]
    assert town["dossier"] == f"/api/v1/dossier/towns/{demo[LINXI].pk}/"
    assert town["pdf"] == f"/api/v1/dossier/towns/{demo[LINXI].pk}/pdf/"
    assert town["page"] == f"/dossier/towns/{demo[LINXI].pk}/"
    body = api.get(town["dossier"]).json()
    from dossier import selectors

    start, end = selectors.default_period(town=demo[LINXI])
    assert (body["start"], body["end"]) == (start.isoformat(), end.isoformat())
    office = {t["code"] for t in api_for(personas["office"]).get("/api/v1/dossier/towns/").json()["results"]}
    assert LINXI in office and "341824100" in office and "441900102" not in office
    assert all(code.startswith("341824") and len(code) == 9 for code in office)


@pytest.mark.parametrize("query, field", [
    ("start=2026-13-01", "start"), ("end=2026/06/30", "end"), ("start=yesterday", "start"),
    ("start=2026-06-01&end=2026-01-01", "end"), ("start=2999-01-01", "end"),
])
def test_bad_periods_are_structured_errors(personas, demo, api_for, query, field):
    api = api_for(personas["office"])
    for suffix in ("", "pdf/"):
        response = api.get(f"/api/v1/dossier/towns/{demo[LINXI].pk}/{suffix}?{query}")
        assert response.status_code == 400, response.content[:300]
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["message"] and field in error["fields"], error


def test_refusals(personas, demo, api_for):
    other = demo["341824100"]
    clerk = api_for(personas["clerk_linxi"])
    for url in (f"/api/v1/dossier/towns/{other.pk}/", f"/api/v1/dossier/towns/{other.pk}/pdf/"):
        response = clerk.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        nobody = api_for(personas["nobody"]).get(url)
        assert nobody.status_code == 403 and nobody.json()["error"]["code"] == "permission_denied"
    # nothing is written here: 403 for the roles (no one writes a town here), 405 even for the admin
    assert clerk.post("/api/v1/dossier/towns/", {}, format="json").status_code == 403
    admin = api_for(personas["admin"])
    assert admin.post("/api/v1/dossier/towns/", {}, format="json").status_code == 405
    assert admin.delete(f"/api/v1/dossier/towns/{other.pk}/").status_code == 405


def test_schema_documents_the_dossier_api(personas, api_for):
    response = api_for(personas["office"]).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/dossier/towns/", "/api/v1/dossier/towns/{id}/", "/api/v1/dossier/towns/{id}/pdf/"):
        assert path in paths, sorted(p for p in paths if "dossier" in p)
        assert paths[path]["get"]["tags"] == ["dossier"], paths[path]["get"]["tags"]
    parameters = {p["name"] for p in paths["/api/v1/dossier/towns/{id}/"]["get"]["parameters"]}
    assert {"start", "end"} <= parameters

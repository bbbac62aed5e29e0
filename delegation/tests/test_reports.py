"""The catalogue's PDFs: the town's notice (公告) and an assignment's agreement (协议书).

Checked on the PDF itself: the text is selectable (pdftotext finds the town, an item, the
document number), a CJK font is embedded (pdffonts), and out-of-scope requests are 404 both
in the browser routes and in the API actions.
"""

from __future__ import annotations

import datetime
import subprocess

import pytest

from delegation import reports, services
from delegation.demo import load_demo_delegation
from delegation.models import Assignment
from regions.models import Division
from tests.system import require_binary, require_font

pytestmark = pytest.mark.usefixtures("catalogue_module")  # the demo catalogue, loaded once for the module (conftest.py)

LINXI, HUAYANG = "341824101", "341824100"


@pytest.fixture
def catalogue(personas):
    require_font("Noto Serif CJK SC", package="fonts-noto-cjk")
    load_demo_delegation()
    return {"linxi": Division.objects.get(code=LINXI), "huayang": Division.objects.get(code=HUAYANG)}


def catalogue_url(division) -> str:
    return f"/delegation/reports/towns/{division.pk}/catalogue.pdf"


def agreement_url(assignment) -> str:
    return f"/delegation/reports/assignments/{assignment.pk}/agreement.pdf"


def pdf_text(content: bytes, tmp_path) -> str:
    require_binary("pdftotext", package="poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> list[list[str]]:
    """pdffonts rows: [name, type …, emb, sub, uni, …]."""
    require_binary("pdffonts", package="poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def squeeze(text: str) -> str:
    """Text without line breaks: a name wrapped inside a table cell reads whole again.

    ``pdftotext -raw`` keeps the order the text was written in (cell by cell); ``-layout``
    would interleave the lines of neighbouring cells."""
    return "".join(text.split())


def assert_pdf(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    return content


def assert_embedded_cjk_font(content: bytes, tmp_path) -> None:
    fonts = pdf_fonts(content, tmp_path)
    cjk = [row for row in fonts if "CJK" in row[0]]
    assert cjk, fonts
    # Columns from the right: object ID (2), uni, sub, emb.
    assert all(row[-5] == "yes" for row in cjk), fonts  # embedded
    assert all(row[-3] == "yes" for row in cjk), fonts  # with a ToUnicode map: the text is selectable


# --- the notice --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_town_catalogue_notice(catalogue, personas, client_for, tmp_path):
    content = assert_pdf(client_for(personas["office"]).get(catalogue_url(catalogue["linxi"])))
    text = pdf_text(content, tmp_path)
    flat = squeeze(text)
    assert "绩溪县人民政府关于向临溪镇下放行政管理事项的公告" in flat
    assert "绩政〔2009〕88号" in flat  # the batch's document number
    assert "企业投资项目备案" in flat and "JX-FGW-001" in flat
    assert "对违反城市市容和环境卫生管理规定行为的处罚" in flat  # the entrusted item
    assert "委托" in flat and "决定后1个月内报县城管局备案" in flat
    assert "《城乡规划法》第四十条" in flat  # legal basis with its article
    # Not in the notice: the cross-town item (not assigned) and the draft.
    assert "跨镇河道采砂许可" not in flat and "烟花爆竹零售经营许可" not in flat
    assert "特此公告" in flat
    assert_embedded_cjk_font(content, tmp_path)


@pytest.mark.django_db
def test_notice_lists_only_items_in_force(catalogue, personas, client_for, tmp_path):
    """A suspended item and a revoked assignment drop out of the notice."""
    suspended = Assignment.objects.get(item__code="JX-JW-001", division=catalogue["linxi"])
    services.item_suspend(item=suspended.item, actor=personas["office"], reason="整改")
    revoked = Assignment.objects.get(item__code="JX-GTJ-001", division=catalogue["linxi"])
    services.assignment_revoke(assignment=revoked, actor=personas["office"], reason="收回")

    flat = squeeze(pdf_text(assert_pdf(client_for(personas["clerk_linxi"]).get(catalogue_url(catalogue["linxi"]))),
                            tmp_path))
    assert "企业投资项目备案" in flat
    assert "建设工程规划许可证核发" not in flat
    assert "乡村建设用地规划选址初审" not in flat
    assert "决定将2项行政管理事项" in flat


@pytest.mark.django_db
def test_notice_readers_in_scope(catalogue, personas, client_for, subtests):
    for persona in ("office", "clerk_linxi", "superior", "auditor", "admin"):
        with subtests.test(persona=persona):
            assert_pdf(client_for(personas[persona]).get(catalogue_url(catalogue["linxi"])))


@pytest.mark.django_db
def test_notice_out_of_scope_is_404(catalogue, personas, client_for, subtests):
    shilong = Division.objects.get(code="441900102")
    cases = [("clerk_other", catalogue["linxi"]), ("clerk_linxi", catalogue["huayang"]),
             ("office", shilong), ("nobody", catalogue["linxi"])]
    for persona, division in cases:
        with subtests.test(persona=persona, division=division.name):
            response = client_for(personas[persona]).get(catalogue_url(division))
            assert response.status_code == 404
            assert response["Content-Type"] != "application/pdf"
    missing = Division.objects.order_by("-pk").first().pk + 1
    assert client_for(personas["admin"]).get(f"/delegation/reports/towns/{missing}/catalogue.pdf").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(catalogue, client):
    response = client.get(catalogue_url(catalogue["linxi"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_notice_of_a_town_without_items(catalogue, personas, client_for, tmp_path):
    flat = squeeze(pdf_text(assert_pdf(client_for(personas["clerk_other"]).get(catalogue_url(catalogue["huayang"]))),
                            tmp_path))
    assert "关于向华阳镇下放行政管理事项的公告" in flat
    assert "尚无施行中的下放行政管理事项" in flat


# --- the agreement -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_assignment_agreement(catalogue, personas, client_for, tmp_path):
    assignment = Assignment.objects.get(item__code="JX-CGJ-001", division=catalogue["linxi"])
    content = assert_pdf(client_for(personas["clerk_linxi"]).get(agreement_url(assignment)))
    flat = squeeze(pdf_text(content, tmp_path))
    assert "行政管理事项委托协议书" in flat
    assert "绩委协〔2010〕3号" in flat  # the agreement's number
    assert "甲方（委托方）：绩溪县城管局" in flat and "乙方（承接方）：临溪镇人民政府" in flat
    assert "对违反城市市容和环境卫生管理规定行为的处罚" in flat
    assert "以甲方的名义实施" in flat and "行政执法证" in flat  # the entrustment clause
    assert "自作出决定之日起1个月内报县城管局备案" in flat
    assert "县城管局局长" in flat and "临溪镇镇长" in flat  # signatories
    assert "2009年12月28日" in flat  # signing date, Arabic numerals
    assert_embedded_cjk_font(content, tmp_path)


@pytest.mark.django_db
def test_unsigned_assignment_prints_blank_signatures(catalogue, personas, client_for, tmp_path):
    item = services.item_publish(
        item=services.item_create(
            code="JX-AJJ-009", name="危险化学品经营许可初审", category="licensing",
            department=Assignment.objects.first().item.department, legal_basis="《危险化学品安全管理条例》",
            route_before_approval="县安监局", route_after_approval="临溪镇人民政府",
        ),
        # a batch entered after the fact (补录): open, its date passed, so the item is in force
        batch=services.batch_create(division=catalogue["linxi"].parent, code="JX-2010-09", name="补录批次",
                                    effective_on=datetime.date(2010, 1, 1)),
        actor=personas["office"],
    )
    assignment = services.assignment_create(item=item, division=catalogue["linxi"], mode="authorise",
                                            actor=personas["office"])
    flat = squeeze(pdf_text(assert_pdf(client_for(personas["office"]).get(agreement_url(assignment))), tmp_path))
    assert "行政管理事项授权协议书" in flat
    assert "甲方（授权方）" in flat
    assert "危险化学品经营许可初审" in flat
    assert "签署日期：年月日" in flat  # to be filled in by hand


@pytest.mark.django_db
def test_agreement_out_of_scope_is_404(catalogue, personas, client_for):
    assignment = Assignment.objects.filter(division=catalogue["linxi"]).first()
    for persona in ("clerk_other", "nobody"):
        assert client_for(personas[persona]).get(agreement_url(assignment)).status_code == 404
    assert client_for(personas["office"]).get(f"/delegation/reports/assignments/{assignment.pk + 999}/agreement.pdf"
                                              ).status_code == 404


# --- the same documents in the API -----------------------------------------------------------------
@pytest.mark.django_db
def test_api_exposes_both_pdfs(catalogue, personas, api_for, tmp_path):
    client = api_for(personas["superior"])
    assignment = Assignment.objects.get(item__code="JX-FGW-001", division=catalogue["linxi"])
    body = client.get(f"/api/v1/delegation/assignments/{assignment.pk}/").json()

    agreement = assert_pdf(client.get(body["agreement_pdf"]))
    assert "绩委协〔2010〕1号" in squeeze(pdf_text(agreement, tmp_path))
    notice = assert_pdf(client.get(body["catalogue_pdf"]))
    assert "关于向临溪镇下放行政管理事项的公告" in squeeze(pdf_text(notice, tmp_path))

    other = api_for(personas["clerk_other"])
    response = other.get(body["agreement_pdf"])
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = other.get(body["catalogue_pdf"])
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = other.get("/api/v1/delegation/assignments/catalogue-pdf/")  # no division given
    assert response.status_code == 400 and "division" in response.json()["error"]["fields"]


def test_date_and_names_in_official_form():
    assert reports.cn_date(datetime.date(2009, 11, 4)) == "2009年11月4日"
    assert reports.cn_date(datetime.date(2010, 1, 1)) == "2010年1月1日"


def test_chinese_ordinals_number_the_points():
    assert [reports.cn_ordinal(n) for n in (1, 2, 9, 10, 11, 20, 21, 99)] == [
        "一", "二", "九", "十", "十一", "二十", "二十一", "九十九"]


@pytest.mark.django_db
def test_notice_announces_published_batches_only(catalogue, personas, client_for, tmp_path):
    """An item of a batch still being drawn up (not published) is not in the notice; once the
    batch is published it is, with that batch's own number and dates."""
    linxi = catalogue["linxi"]
    batch = services.batch_create(division=linxi.parent, code="JX-TEST-301", name="绩溪县向临溪镇下放第三批行政管理事项",
                                  effective_on=datetime.date(2027, 3, 1))
    item = services.item_publish(item=services.item_create(
        code="JX-FGW-077", name="固定资产投资项目节能审查", category="approval",
        department=Assignment.objects.get(item__code="JX-FGW-001", division=linxi).item.department,
        legal_basis="《固定资产投资项目节能审查办法》", route_before_approval="县发改委", route_after_approval="临溪镇人民政府",
    ), batch=batch, actor=personas["office"])
    services.assignment_create(item=item, division=linxi, mode="devolve", actor=personas["office"])

    def notice() -> str:
        return squeeze(pdf_text(assert_pdf(client_for(personas["office"]).get(catalogue_url(linxi))), tmp_path))

    assert "固定资产投资项目节能审查" not in notice()
    services.batch_publish(batch=batch, actor=personas["office"], published_on=datetime.date(2026, 11, 30),
                           document_number="绩政〔2026〕41号")
    flat = notice()
    assert "固定资产投资项目节能审查" in flat
    assert "（绩政〔2026〕41号，2026年11月30日公布）所列1项，自2027年3月1日起施行" in flat

"""The file layer (issue 10): no value lost silently, the whole file checked, memory bounded,
row counts that keep large files out of the request."""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest

from core.importing import files
from core.importing.errors import ImportFileError


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(data: bytes, fmt: str) -> list[tuple]:
    with pytest.raises(ImportFileError) as e:
        files.read_table(data, fmt)
    return [tuple(x) for x in e.value.errors]


def test_a_formula_cell_is_refused_with_its_row_and_column_not_read_as_empty():
    data = xlsx([["事项编码", "条款"], ["JX-1", '=HYPERLINK("http://x","第十条")'], ["JX-2", "第九条"]])
    [(row, column, message)] = refused(data, "xlsx")
    assert (row, column) == (2, "条款")
    assert "公式" in message and "HYPERLINK" in message


def test_a_nul_byte_anywhere_in_a_csv_is_refused_before_the_preview():
    data = ("名称,日期\n" + "甲,2026-01-01\n" * 600).encode() + b"x\x00y,2026-01-02\n"
    assert data.index(b"\x00") > 4096
    [(row, _column, message)] = refused(data, "csv")
    assert row == 0 and "不是文本文件" in message


def test_a_repeated_header_is_refused_naming_both_columns():
    [(row, column, message)] = refused("名称,日期,名称\n甲,2026-01-01,乙\n".encode(), "csv")
    assert (row, column) == (1, "名称")
    assert "第 A 列和第 C 列" in message


def rewrite(data: bytes, part: str, change) -> bytes:
    """The XLSX ``data`` with one of its parts changed (as a crafted file would be)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


def shared_strings_xlsx(header: str, text: str, *, rows: int) -> bytes:
    """An XLSX whose data cells all point at one shared string (openpyxl writes inline strings)."""
    def sheet(xml: bytes) -> bytes:
        cells = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>1</v></c></row>' for n in range(2, rows + 2))
        return re.sub(rb"<sheetData>.*</sheetData>", f'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>{cells}'
                      f"</sheetData>".encode(), xml, flags=re.S)

    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
               f' count="2" uniqueCount="2"><si><t>{header}</t></si><si><t>{text}</t></si></sst>').encode()
    data = rewrite(xlsx([["x"]]), "xl/worksheets/sheet1.xml", sheet)
    data = rewrite(data, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    data = rewrite(data, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def test_a_long_shared_string_on_many_rows_is_refused_quickly_with_few_messages():
    """One 200 KB shared string on 2,000 rows (a few KB zipped) drove the worker to 10.95 GB."""
    data = shared_strings_xlsx("名称", "长" * 200_000, rows=2000)
    assert len(data) < 100_000
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as e:
        files.read_table(data, "xlsx")
    assert time.perf_counter() - started < 30
    assert len(e.value.errors) == files.MAX_FILE_ERRORS  # the first ones, not 2,000
    assert all(len(err.message) < 200 for err in e.value.errors)
    assert e.value.errors[0][:2] == (2, "名称") and "200000 个字，超过上限" in e.value.errors[0].message


def test_rows_are_capped(settings):
    settings.IMPORT_MAX_ROWS = 10
    data = ("名称\n" + "甲\n" * 11).encode()
    [(_row, _column, message)] = refused(data, "csv")
    assert "超过 10 行" in message
    assert len(files.read_table(("名称\n" + "甲\n" * 10).encode(), "csv").rows) == 10


def test_cr_only_csv_is_counted_and_read():
    data = "\r".join(["名称,日期", *["甲,2026-01-01"] * 5000]).encode()
    assert files.estimate_rows(data, "csv", limit=2000) == 5000
    assert len(files.read_table(data, "csv").rows) == 5000


def test_xlsx_without_dimension_is_counted_by_streaming():
    data = xlsx([["名称"], *[[f"甲{i}"] for i in range(3000)]])
    stripped = rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml))
    assert b"dimension" not in zipfile.ZipFile(io.BytesIO(stripped)).read("xl/worksheets/sheet1.xml")
    assert files.estimate_rows(stripped, "xlsx", limit=2000) == 2001  # "more than 2,000": a task
    assert files.estimate_rows(xlsx([["名称"], ["甲"], ["乙"]]), "xlsx", limit=2000) == 2


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 1_000_000)
    data = xlsx([["名称"], *[["甲" * 1000] for _ in range(600)]])
    [(_row, _column, message)] = refused(data, "xlsx")
    assert "解压后超过" in message


def test_csv_encodings_and_blank_rows():
    gbk = "名称,日期\n甲,2026-01-01\n,\n乙,2026/1/2\n".encode("gb18030")
    table = files.read_table(gbk, "csv")
    assert table.headers == ["名称", "日期"] and [n for n, _ in table.rows] == [2, 4]
    bom = "\ufeff名称\n甲\n".encode()
    assert files.read_table(bom, "csv").headers == ["名称"]

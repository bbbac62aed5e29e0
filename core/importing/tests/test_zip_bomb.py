"""A zip-bomb XLSX is refused from its zip directory, before openpyxl unpacks a byte (issue 10 §3).

Real bombs, built here: well-formed workbooks of under 1 MB whose shared strings or sheet unpack
to 100+ MB. Before, only the sum of the parts was capped (512 MB), so these passed the check and
openpyxl then read the shared strings whole into memory (several times their size).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from core.importing import files
from core.importing.errors import ImportFileError

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MB = 1024 * 1024


SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _bomb(*, part: str, megabytes: int) -> bytes:
    """A workbook openpyxl opens, whose ``part`` is ``megabytes`` of repeated XML, deflated to under 1 MB.

    Built from a real workbook saved by openpyxl (header 名称, row 甲), given shared strings as
    Excel writes them; then only the shared strings (100,000 strings of 1,000 letters after the
    two real ones) or the sheet (the row 甲 again and again) grow.
    """
    import openpyxl

    small = io.BytesIO()
    openpyxl.Workbook().save(small)
    strings = [b"<sst " + NS + "><si><t>名称</t></si><si><t>甲</t></si>".encode(),
               b"<si><t>" + b"A" * 1000 + b"</t></si>", b"</sst>"]
    sheet = [b"<worksheet " + NS + b'><sheetData><row><c t="s"><v>0</v></c></row>',
             b'<row><c t="s"><v>1</v></c></row>', b"</sheetData></worksheet>"]
    parts = {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet}
    buffer = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    + SHARED_STRINGS_TYPE + b'"/></Types>')
            if info.filename not in parts:
                out.writestr(info.filename, data)
        for name, (head, unit, tail) in parts.items():
            with out.open(name, "w") as stream:
                stream.write(head)
                if name == part:
                    block = unit * (MB // len(unit))
                    for _ in range(megabytes):
                        stream.write(block)
                else:
                    stream.write(unit)
                stream.write(tail)
    return buffer.getvalue()


def test_the_bomb_is_a_workbook_openpyxl_reads():
    """Without the growth, the same file is an ordinary import of 2 rows (the bombs are real workbooks)."""
    table = files.read_table(_bomb(part="xl/sharedStrings.xml", megabytes=0), "xlsx")
    assert table.headers == ["名称"] and [cells for _n, cells in table.rows] == [["甲"]]


@pytest.fixture(scope="module")
def shared_strings_bomb() -> bytes:
    return _bomb(part="xl/sharedStrings.xml", megabytes=100)


@pytest.fixture(scope="module")
def sheet_bomb() -> bytes:
    return _bomb(part="xl/worksheets/sheet1.xml", megabytes=100)


def _refused(data: bytes) -> tuple[ImportFileError, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError) as refused:
            files.read_table(data, "xlsx")
        return refused.value, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_small_workbook_with_huge_shared_strings_is_refused_unread(shared_strings_bomb):
    assert len(shared_strings_bomb) < MB  # 100 MB of shared strings in a small file
    info = zipfile.ZipFile(io.BytesIO(shared_strings_bomb)).getinfo("xl/sharedStrings.xml")
    assert info.file_size > 99 * 1000 * 1000 and info.file_size < files.MAX_UNPACKED_BYTES  # the old cap let it in
    error, seconds, peak = _refused(shared_strings_bomb)
    assert error.errors[0].code in {"shared_strings_too_large", "zip_ratio"}
    assert "sharedStrings.xml" in str(error) or "压缩炸弹" in str(error)
    assert seconds < 1 and peak < 5 * MB, (seconds, peak)  # the file is 0.4 MB; nothing unpacked


def test_a_sheet_that_unpacks_hundreds_of_times_its_size_is_refused(sheet_bomb):
    assert len(sheet_bomb) < MB
    error, seconds, peak = _refused(sheet_bomb)
    assert error.errors[0].code == "zip_ratio"
    assert "疑似压缩炸弹" in str(error) and "xl/worksheets/sheet1.xml" in str(error)
    assert seconds < 1 and peak < 5 * MB, (seconds, peak)
    # the row estimate (in the request) does not unpack it either
    assert files.estimate_rows(sheet_bomb, "xlsx", limit=2000) == 0


def test_ordinary_workbooks_pass_the_ratio_check():
    """A sheet of 20,000 catalogue rows packs about 17× (measured: 50,000 rows 17.2×, one value everywhere 23.6×)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["事项编码", "事项名称", "实施部门"])
    for i in range(20_000):
        sheet.append([f"JX-FGW-{i:05d}", "企业投资项目备案", "县发展和改革局"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = files.read_table(buffer.getvalue(), "xlsx")
    assert len(table.rows) == 20_000

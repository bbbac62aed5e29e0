"""Uploads checked by content, not by name (issue 10 §3): core.uploads, on every stored file field.

Before: any bytes named 回执.pdf were stored as a receipt scan (an HTML page, a renamed .exe),
and the import page took a .docx renamed .xlsx or a UTF-16 CSV up to the preview.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from core.importing import files as import_files
from core.importing.errors import ImportFileError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
HTML = b"<html><script>alert(document.cookie)</script></html>"


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


XLSX = _zip(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])
DOCX = _zip(["[Content_Types].xml", "word/document.xml"])


def _check(validator, name: str, data: bytes):
    return validator(SimpleUploadedFile(name, data))


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("回执.pdf", PDF, "pdf"), ("scan.PNG", PNG, "png"), ("照片.jpg", JPEG, "jpeg"), ("照片.jpeg", JPEG, "jpeg"),
])
def test_scans_of_the_allowed_types_pass(name, data, kind):
    assert _check(uploads.SCAN_VALIDATOR, name, data) == kind


@pytest.mark.parametrize(("name", "data"), [
    ("回执.pdf", HTML),  # a page with a script, named like a PDF
    ("回执.html", PDF),  # a PDF named .html: served by its name, so refused too
    ("回执.pdf", PNG),  # a picture named .pdf
    ("回执.pdf", b"MZ\x90\x00" + b"\x00" * 60),  # a Windows program
    ("回执.pdf", XLSX),
    ("回执", b"plain text"),
])
def test_anything_else_is_refused_naming_the_allowed_types_and_the_limit(name, data):
    with pytest.raises(ValidationError) as refused:
        _check(uploads.SCAN_VALIDATOR, name, data)
    assert refused.value.code == "file_type"
    message = refused.value.messages[0]
    assert "PDF、PNG 图片、JPEG 图片" in message and "20 MB" in message and "按文件内容判断" in message


def test_size_and_empty_files_are_refused_before_the_content_is_read():
    small = uploads.ContentValidator(uploads.SCANS, max_mb=1)
    with pytest.raises(ValidationError) as refused:
        _check(small, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert refused.value.code == "file_too_large"
    assert "1 MB" in refused.value.messages[0] and "PDF" in refused.value.messages[0]
    with pytest.raises(ValidationError) as empty:
        _check(small, "empty.pdf", b"")
    assert empty.value.code == "file_empty"


def test_tables_by_content():
    tables = uploads.ContentValidator(uploads.TABLES, max_mb=50)
    assert _check(tables, "a.xlsx", XLSX) == "xlsx"
    assert _check(tables, "a.csv", "名称,日期\n甲,2026-01-01\n".encode("gb18030")) == "csv"
    for name, data in [("a.xlsx", DOCX), ("a.csv", "名称\n甲\n".encode("utf-16")), ("a.csv", b"\xff\xfe\xfa" * 10)]:
        with pytest.raises(ValidationError):
            _check(tables, name, data)


def test_a_zip_declaring_more_entries_than_allowed_is_not_listed():
    data = XLSX[:-22] + XLSX[-22:-12] + (0xFFFF).to_bytes(2, "little") + XLSX[-10:]  # ZIP64 marker count
    assert uploads.zip_entry_count(io.BytesIO(XLSX)) == 3
    assert uploads.zip_entry_count(io.BytesIO(data)) > uploads.MAX_ZIP_ENTRIES
    assert uploads.detect_kind(io.BytesIO(data), uploads.TABLES) is None


def test_the_import_check_reads_the_content_not_just_the_name():
    """Before: a .docx renamed .xlsx and a UTF-16 CSV passed the upload check (name + 8 bytes)."""
    assert import_files.check_upload("a.xlsx", len(XLSX), io.BytesIO(XLSX)) == "xlsx"
    for name, data, code in [("a.xlsx", DOCX, "not_xlsx"), ("a.csv", "名称\n甲\n".encode("utf-16"), "binary"),
                             ("a.csv", XLSX, "not_csv")]:
        with pytest.raises(ImportFileError) as refused:
            import_files.check_upload(name, len(data), io.BytesIO(data))
        assert refused.value.errors[0].code == code, name

"""Uploaded files are checked by what they contain, not by their name (issue 10).

One validator for every file field, on the model (``core.files.FileField(accept=…)``) so the
page, the API, the importer and the admin all run it through ``full_clean``:

    scan = files.FileField(_("协议扫描件"), upload_to=…, accept=uploads.SCANS)

- PDF starts with ``%PDF-``; PNG and JPEG with their signatures;
- XLSX is a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml`` (an .xls, a .docx or
  any other zip renamed .xlsx is refused); its entry count is read from the zip's end record
  before the directory is parsed (a zip of a million empty entries costs memory to list);
- CSV is text: no NUL byte anywhere, decodable as UTF-8 or GB18030;
- the file name's extension must agree with the content (downloads are typed by their name).

The message names the allowed types and the limit in Chinese. A file already stored (a record
saved again) is not read again. What the importer checks beyond the type (the unpacked size
and compression ratio of an XLSX's parts, before openpyxl opens it) is in core/importing/files.py.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

LABELS = {
    "pdf": "PDF",
    "png": _("PNG 图片"),
    "jpeg": _("JPEG 图片"),
    "xlsx": _("Excel 工作簿（.xlsx）"),
    "csv": _("CSV 文本（UTF-8 或 GBK）"),
}
# The name must agree with the content: a download is typed by its name (core/files.py), so a
# PDF named .html must not be stored at all.
EXTENSIONS = {"pdf": (".pdf",), "png": (".png",), "jpeg": (".jpg", ".jpeg"), "xlsx": (".xlsx",), "csv": (".csv",)}
SCANS = ("pdf", "png", "jpeg")  # agreement and receipt scans
TABLES = ("xlsx", "csv")  # import files
MAX_ZIP_ENTRIES = 10_000  # an XLSX has a few dozen parts; a sheet per entry would still fit
HEAD = 8


def zip_entry_count(f) -> int | None:
    """Entries the zip's end-of-central-directory record declares (None: no such record).

    Read from the last 64 KB before ``zipfile`` builds a ZipInfo per entry. A ZIP64 end record
    (0xFFFF) counts as too many: no spreadsheet under the upload limit needs one.
    """
    f.seek(0, io.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - 65_557))  # 22-byte record + the longest comment
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    _disk, _cd_disk, _here, total = struct.unpack("<HHHH", tail[at + 4:at + 12])
    return 1 << 32 if total == 0xFFFF else total


def _is_xlsx(f) -> bool:
    count = zip_entry_count(f)
    if count is None or count > MAX_ZIP_ENTRIES:
        return False
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as book:
            names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return {"[Content_Types].xml", "xl/workbook.xml"} <= names


def _is_text(f) -> bool:
    f.seek(0)
    data = f.read()
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def detect_kind(f, kinds: Iterable[str] = tuple(LABELS)) -> str | None:
    """Which of ``kinds`` the file's content is, or None. Leaves the file at position 0."""
    kinds = tuple(kinds)
    try:
        f.seek(0)
        head = f.read(HEAD)
        if head.startswith(b"%PDF-"):
            found = "pdf" if "pdf" in kinds else None
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            found = "png" if "png" in kinds else None
        elif head.startswith(b"\xff\xd8\xff"):
            found = "jpeg" if "jpeg" in kinds else None
        elif head.startswith(b"PK\x03\x04"):
            found = "xlsx" if "xlsx" in kinds and _is_xlsx(f) else None
        else:
            found = "csv" if "csv" in kinds and head and _is_text(f) else None
    finally:
        f.seek(0)
    return found


def describe(kinds: Iterable[str]) -> str:
    return "、".join(str(LABELS[k]) for k in kinds)


@deconstructible
class ContentValidator:
    """Refuses a file whose content is none of ``kinds`` or that is over ``max_mb`` megabytes."""

    def __init__(self, kinds: Iterable[str], max_mb: int):
        unknown = set(kinds) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown file kinds: {sorted(unknown)}")
        self.kinds = tuple(kinds)
        self.max_mb = max_mb

    def __eq__(self, other):
        return isinstance(other, ContentValidator) and (self.kinds, self.max_mb) == (other.kinds, other.max_mb)

    def __hash__(self):
        return hash((self.kinds, self.max_mb))

    def __call__(self, value) -> str | None:
        if not value:
            return None
        if getattr(value, "_committed", False):  # a FieldFile already stored: checked when it came in
            return None
        f = getattr(value, "file", value)  # FieldFile of a new upload → the UploadedFile
        params = {"types": describe(self.kinds), "limit": self.max_mb}
        size = getattr(f, "size", None)
        if size is None:
            f.seek(0, io.SEEK_END)
            size = f.tell()
        if size == 0:
            raise ValidationError(_("文件是空的：请上传 %(types)s 文件，不超过 %(limit)s MB。"), code="file_empty",
                                  params=params)
        if size > self.max_mb * 1024 * 1024:
            raise ValidationError(_("文件过大（%(size).1f MB）：只能上传不超过 %(limit)s MB 的 %(types)s 文件。"),
                                  code="file_too_large", params={**params, "size": size / 1048576})
        kind = detect_kind(f, self.kinds)
        name = (getattr(value, "name", None) or getattr(f, "name", None) or "").lower()
        if kind is None or (name and not name.endswith(EXTENSIONS[kind])):
            raise ValidationError(
                _("文件内容不是允许的类型：只能上传 %(types)s 文件（按文件内容判断，与扩展名无关），不超过 %(limit)s MB。"),
                code="file_type", params=params)
        return kind


SCAN_VALIDATOR = ContentValidator(SCANS, max_mb=20)

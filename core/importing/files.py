"""Files in: the format, the checks before anything is read, and reading rows out of CSV/XLSX.

- ``check_upload`` looks at the name, the size and the content (core.uploads: an XLSX is a zip
  with a workbook, a CSV is text), in the request, before storing; ``check_content`` at the
  whole file before the preview and before openpyxl opens it: a NUL byte anywhere in a CSV; an
  XLSX's zip directory (entries, each part's declared unpacked size and compression ratio,
  shared strings that openpyxl keeps in memory whole) so a zip bomb is refused unread.
  The declared sizes bound what is unpacked: Python's zipfile stops reading a part at its
  declared size (a part that lies fails its CRC), so openpyxl never inflates more.
- ``read_table`` gives the header row and the data rows, blank rows skipped. CSV: UTF-8 with
  or without BOM, or GB18030 (Excel's "CSV" on Chinese Windows). XLSX: the first worksheet,
  read as stored; a formula cell is refused with its row and column instead of being read as
  empty (``data_only=True`` would blank a formula without a cached value without a word).
  A repeated header, more than ``max_rows()`` rows, or a cell over ``MAX_CELL_CHARS`` refuses
  the file, so a tiny XLSX with one 200 KB string on 2,000 rows cannot fill the worker's memory.
- ``estimate_rows`` counts rows by streaming (CR-only line ends, an XLSX without
  ``<dimension>``) and stops past ``limit``: it only has to tell small files from large ones.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import uploads

from .cells import cell_text
from .errors import ErrorList, ImportFileError, RowError, shorten

FORMATS = ("csv", "xlsx")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # an XLSX's parts unpacked: more is a zip bomb, not a catalogue
# openpyxl (read-only) streams the sheets but loads the shared strings whole, several times their size.
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
# Unpacked ÷ packed of one part over 1 MB: sheets written by Excel or openpyxl pack 5–30×
# (50,000 catalogue rows: 17×; one value in every cell: 24×); a part of one repeated byte packs about 1,000×.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
MAX_CELL_CHARS = 10_000  # no column of the catalogue holds more; Excel's own limit is 32,767
MAX_FILE_ERRORS = 100  # problems listed when the file as a whole is refused


def max_rows() -> int:
    """Data rows one file may hold (settings.IMPORT_MAX_ROWS, default 200,000)."""
    return int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cells)


def detect_format(filename: str) -> str:
    """The format from the file name, or an explanation of why it is refused."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xls"):
        raise ImportFileError.of(_("不支持 Excel 97-2003 工作簿（.xls），请在 Excel 中另存为 .xlsx 后上传。"), code="xls")
    raise ImportFileError.of(_("只能导入 Excel 工作簿（.xlsx）或 CSV 文件（.csv，UTF-8 编码）。"), code="format")


def check_upload(filename: str, size: int, f) -> str:
    """Validate an uploaded file's name, size and content (a file object); return its format.

    The name must say .xlsx or .csv and the content must be what the name says (core.uploads).
    """
    fmt = detect_format(filename)
    if size == 0:
        raise ImportFileError.of(_("文件是空的。"), code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError.of(_("文件过大（%(size).1f MB），上限为 %(limit)d MB，请分成几个文件导入。"), code="too_large",
                                 size=size / 1048576, limit=MAX_UPLOAD_BYTES // 1048576)
    if uploads.detect_kind(f, (fmt,)) == fmt:
        return fmt
    head = f.read(8)
    f.seek(0)
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt == "xlsx":
        raise ImportFileError.of(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿，请在 Excel 中另存为“Excel 工作簿（*.xlsx）”。"),
                                 code="not_xlsx")
    if is_zip or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError.of(_("文件扩展名是 .csv，但内容是 Excel 工作簿，请把扩展名改为 .xlsx，或另存为“CSV UTF-8（逗号分隔）”。"),
                                 code="not_csv")
    raise ImportFileError.of(_("CSV 文件不是文本文件（含有 NUL 字节，或不是 UTF-8/GBK 编码），请另存为“CSV UTF-8（逗号分隔）”。"),
                             code="binary")


def _check_zip(data: bytes) -> None:
    """An XLSX's zip directory against the limits above, before any part is unpacked."""
    entries = uploads.zip_entry_count(io.BytesIO(data))
    if entries is not None and entries > uploads.MAX_ZIP_ENTRIES:
        raise ImportFileError.of(_("工作簿包含 %(count)s 个压缩条目，超过上限 %(limit)s 个，不能导入。"), code="zip_entries",
                                 count=entries, limit=uploads.MAX_ZIP_ENTRIES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError.of(_("文件不是有效的 Excel 工作簿（.xlsx），或已损坏。"), code="bad_xlsx") from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError.of(_("工作簿解压后超过 %(limit)d MB，不能导入，请分成几个文件。"), code="unpacked_too_large",
                                 limit=MAX_UNPACKED_BYTES // 1048576)
    for info in infos:
        if info.filename == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise ImportFileError.of(_("工作簿的共享文本（sharedStrings.xml）解压后有 %(size)d MB，超过上限 %(limit)d MB，不能导入。"),
                                     code="shared_strings_too_large", size=info.file_size // 1048576,
                                     limit=MAX_SHARED_STRINGS_BYTES // 1048576)
        if (info.file_size > RATIO_CHECKED_FROM
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
            raise ImportFileError.of(
                _("工作簿中的“%(part)s”压缩比异常（解压后 %(size)d MB，是压缩后的 %(ratio)d 倍，上限 %(limit)d 倍），"
                  "疑似压缩炸弹，不能导入。"),
                code="zip_ratio", part=shorten(info.filename, 60), size=info.file_size // 1048576,
                ratio=info.file_size // max(info.compress_size, 1), limit=MAX_COMPRESSION_RATIO)


def check_content(data: bytes, fmt: str) -> None:
    """Checks of the whole file that are cheap before any row is read (see module doc)."""
    if fmt == "csv":
        if b"\x00" in data:
            raise ImportFileError.of(_("CSV 文件不是文本文件（可能是 UTF-16 编码），请另存为“CSV UTF-8（逗号分隔）”。"), code="binary")
    elif fmt == "xlsx":
        _check_zip(data)


def decode_csv(data: bytes) -> str:
    check_content(data, "csv")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel on Chinese Windows saves plain "CSV" in GBK
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError.of(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”。"), code="encoding") from None


def _is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


class _Reader:
    """Collects rows and the problems that refuse the whole file (too many rows, long cells)."""

    def __init__(self):
        self.rows: list[tuple[int, list]] = []
        self.problems = ErrorList(limit=MAX_FILE_ERRORS)
        self.limit = max_rows()
        self.headers: list[str] = []

    def column(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) and self.headers[index] else _column_letter(index)

    def add(self, number: int, cells: list) -> None:
        if _is_blank(cells):
            return
        if len(self.rows) >= self.limit:
            raise ImportFileError.of(_("文件超过 %(limit)d 行数据，请分成几个文件导入。"), code="too_many_rows", limit=self.limit)
        for i, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                self.problems.append(RowError.of(number, self.column(i), _("单元格有 %(length)d 个字，超过上限 %(limit)d 个字。"),
                                                 code="cell_too_long", length=len(cell), limit=MAX_CELL_CHARS))
                cells[i] = ""
        self.rows.append((number, cells))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _headers(header: Iterable) -> list[str]:
    headers = [cell_text(h) for h in header]
    while headers and not headers[-1]:
        headers.pop()
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(headers):
        if not name:
            continue
        if name in seen:
            problems.append(RowError.of(1, name, _("列名“%(name)s”重复出现（第 %(first)s 列和第 %(second)s 列），请删去或改名其中一列。"),
                                        code="duplicate_header", name=shorten(name), first=_column_letter(seen[name]),
                                        second=_column_letter(i)))
        else:
            seen[name] = i
    if problems:
        raise ImportFileError(problems)
    return headers


def read_table(data: bytes, fmt: str) -> Table:
    """Header row and data rows of a CSV or the first worksheet of an XLSX; blank rows skipped."""
    reader = _Reader()
    if fmt == "csv":
        rows = csv.reader(io.StringIO(decode_csv(data), newline=""))
        try:
            header = next(rows)
        except StopIteration:
            raise ImportFileError.of(_("文件是空的。"), code="empty") from None
        except csv.Error as e:
            raise ImportFileError.of(_("CSV 格式错误：%(error)s"), row=1, code="csv", error=str(e)) from None
        reader.headers = _headers(header)
        try:
            for number, cells in enumerate(rows, start=2):
                if cells:
                    reader.add(number, cells)
        except csv.Error as e:
            raise ImportFileError.of(_("CSV 格式错误：%(error)s"), row=rows.line_num, code="csv", error=str(e)) from None
    elif fmt == "xlsx":
        _read_xlsx(data, reader)
    else:
        raise ImportFileError.of(_("不支持的文件格式“%(format)s”。"), code="format", format=shorten(fmt))
    if reader.problems:
        raise ImportFileError(list(reader.problems))
    return Table(headers=reader.headers, rows=reader.rows)


def _open_xlsx(data: bytes):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_content(data, "xlsx")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError.of(_("文件不是有效的 Excel 工作簿（.xlsx），或已损坏。"), code="bad_xlsx") from None


def _read_xlsx(data: bytes, reader: _Reader) -> None:
    book = _open_xlsx(data)
    try:
        sheet = book.active
        sheet.reset_dimensions()  # read every row there is: a wrong <dimension> must not cut the file short
        sheet_rows = sheet.iter_rows()
        header = next(sheet_rows, None)
        if header is None:
            raise ImportFileError.of(_("工作表是空的。"), code="empty")
        formulas = [RowError.of(1, _column_letter(i), _("列名是公式，请改为文字。"), code="formula")
                    for i, c in enumerate(header) if c.data_type == "f"]
        if formulas:
            raise ImportFileError(formulas)
        reader.headers = _headers(c.value for c in header)
        for number, cells in enumerate(sheet_rows, start=2):
            values = []
            for i, cell in enumerate(cells):
                if cell.data_type == "f":  # never read a formula as empty or as its text
                    reader.problems.append(RowError.of(
                        number, reader.column(i),
                        _("单元格是公式（%(formula)s），导入不计算公式：请复制该列后“选择性粘贴为数值”再导入。"),
                        code="formula", formula=shorten(cell.value, 60)))
                    values.append(None)
                else:
                    values.append(cell.value)
            reader.add(number, values)
    finally:
        book.close()


def table_from_rows(rows: Iterable[Mapping]) -> Table:
    """Rows given as mappings {column header: value}, numbered as if row 1 were the header."""
    rows = list(rows)
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    return Table(headers=headers, rows=[(i, [row.get(h) for h in headers]) for i, row in enumerate(rows, start=2)])


def load_table(*, file_bytes: bytes | None = None, rows: Iterable[Mapping] | None = None, fmt: str = "csv") -> Table:
    """A file's table (or one of mappings), refusing a file without data rows."""
    if file_bytes is not None:
        table = read_table(file_bytes, fmt)
    elif rows is not None:
        table = table_from_rows(rows)
    else:
        raise TypeError("file_bytes or rows is required")
    if not table.rows:
        raise ImportFileError.of(_("文件中没有数据行（第 1 行应为列名，数据从第 2 行开始）。"), code="no_rows")
    return table


def estimate_rows(data: bytes, fmt: str, *, limit: int) -> int:
    """Data rows, counted by streaming and only up to ``limit + 1`` (more is "large")."""
    if fmt == "csv":
        # Every line end counts: \n, \r\n and a lone \r (old Mac Excel); the header is one line.
        lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        if data and not data.endswith((b"\n", b"\r")):
            lines += 1
        return max(0, lines - 1)  # cheap at any size: the whole count, for the progress bar
    try:
        book = _open_xlsx(data)
    except ImportFileError:
        return 0  # reported by the check itself, which reads no rows
    try:
        count = -1
        sheet = book.active
        sheet.reset_dimensions()  # count what is there, not what <dimension> says (or 0 without it)
        for count, _row in enumerate(sheet.iter_rows(values_only=True)):
            if count > limit:
                break
        return max(0, count)
    except Exception:  # a broken sheet is reported by the check; count it as large to keep it out of the request
        return limit + 1
    finally:
        book.close()

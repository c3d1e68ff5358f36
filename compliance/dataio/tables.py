"""Reading and writing record files (CSV, XLSX) safely.

Reading: CSV in UTF-8 (with or without BOM), UTF-16 or CP949/EUC-KR (what Korean
offices still produce; a file mixing encodings is refused, not guessed), or a real
XLSX workbook (a ZIP that is not a workbook, an old .xls or an oversized archive is
refused). Size and row limits are checked before any row is imported; quoting that
swallows lines and workbooks declaring too many texts, rows or cells are refused before
parsing (`compliance.dataio.bounds`).

Every cell is checked before any row reaches a resource (`check_cells`): an oversized
cell, a control character (NUL …), a formula cell or text starting with a tab or a line
break is refused with its row and column, in the user's language.

Writing is `compliance.dataio.writer` (re-exported here as `write_table`).
"""

from __future__ import annotations

import codecs
import csv
import io
import time
import zipfile
import zlib

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from . import bounds
from .resources import ImportFileError
from .writer import write_table  # noqa: F401 - the one writer, for callers that read and write tables

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_rows():
    return settings.IMPORT_MAX_ROWS


# --- Reading ---------------------------------------------------------------------------------


def _has_hangul(text):
    return any("\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" for ch in text)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for UTF-8/UTF-16/CP949 bytes; ImportFileError otherwise."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(_("The file starts like UTF-16 text but cannot be decoded.")) from None
    has_bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), "UTF-8 (BOM)" if has_bom else "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    lines = data.split(b"\n")
    utf8_lines = []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            if _has_hangul(line.decode("utf-8")):
                utf8_lines.append(number)
        except UnicodeDecodeError:
            pass
    bad_line = data[: utf8_error.start].count(b"\n") + 1
    if has_bom or utf8_lines:
        raise ImportFileError(
            _(
                "The file mixes text encodings: line %(bad)s is not UTF-8 while line(s) %(good)s are. "
                "Save the whole file again as “CSV UTF-8” and retry."
            )
            % {"bad": bad_line, "good": ", ".join(map(str, utf8_lines[:5])) or "1"}
        )
    try:
        return data.decode("cp949"), "CP949/EUC-KR"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _("The file is neither UTF-8 nor CP949/EUC-KR text (undecodable bytes on line %(line)s).") % {"line": line}
        ) from None


def _limit_error(rows):
    return ImportFileError(
        _("The file has more than %(max)s data rows (%(rows)s counted); split it into smaller files.")
        % {"max": f"{max_rows():,}", "rows": f"{rows:,}"}
    )


def _read_csv(data: bytes) -> tuple[list, list, list, str]:
    text, encoding = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    bounds.check_csv_quotes(text, delimiter)
    # The csv module refuses fields over its own limit with a raw message; cells are
    # measured (and refused with their line and column) by `check_cells` instead.
    old_limit = csv.field_size_limit(max(settings.IMPORT_MAX_BYTES, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, None)
        rows, lines = [], []
        limit = max_rows()
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limit:
                # Count the rest cheaply for the message; nothing is cleaned or imported.
                total = len(rows) + 1 + sum(1 for r in reader if any(c.strip() for c in r))
                raise _limit_error(total)
            rows.append(row)
            lines.append(number)
    except csv.Error:
        raise ImportFileError(
            _("The CSV file is malformed near row %(line)s (check its quotes).") % {"line": reader.line_num}
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    return headers, rows, lines, encoding


def _read_ole(data: bytes):
    """An OLE compound file where a table was expected: a password-protected workbook
    (Excel encrypts .xlsx into one) or an old .xls file."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except Exception:  # noqa: BLE001 - a damaged compound file is still not a table we read
        encrypted = False
    if encrypted:
        raise ImportFileError(
            _(
                "The workbook is password-protected. Remove the password in Excel "
                "(File > Info > Protect Workbook > Encrypt with Password) and save it again."
            )
        )
    raise ImportFileError(_("This is an old Excel (.xls) file; save it as .xlsx or CSV."))


def _read_xlsx(data: bytes) -> tuple[list, list, list, dict]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(_("The file is not a valid XLSX workbook (damaged ZIP archive).")) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        raise ImportFileError(
            _("The file is a ZIP archive but not an Excel workbook (it holds: %(names)s).") % {"names": shown or "—"}
        )
    if unpacked > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to %(size)s MB, more than the %(max)s MB allowed.")
            % {"size": unpacked // 2**20, "max": settings.IMPORT_MAX_UNZIPPED_BYTES // 2**20}
        )
    until = bounds.deadline()
    try:
        bounds.check_xlsx_counts(archive, names, until)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise ImportFileError(_("The file is not a valid XLSX workbook (damaged ZIP archive).")) from None
    import openpyxl

    try:
        # Not data_only: a formula cell must be seen as a formula (and refused), not
        # imported as whatever value Excel last cached for it.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a malformed workbook
        raise ImportFileError(_("The workbook could not be read; save it again from Excel as .xlsx.")) from None
    try:
        if not book.worksheets:
            raise ImportFileError(_("The workbook has no worksheet."))
        sheet = book.worksheets[0]
        info = {
            "sheet": sheet.title,
            "other_sheets": [name for name in book.sheetnames if name != sheet.title],
        }
        rows_iter = sheet.iter_rows()
        header_cells = list(next(rows_iter, None) or [])
        headers = [_xlsx_value(c) for c in header_cells]
        formulas = [(1, i) for i, c in enumerate(header_cells) if _is_formula(c)]
        while headers and headers[-1] in (None, ""):
            headers.pop()
        rows, lines, limit = [], [], max_rows()
        for number, cells in enumerate(rows_iter, start=2):
            if number % 500 == 0 and time.monotonic() > until:
                bounds.too_slow()
            row = [_xlsx_value(c) for c in cells]
            if not any(not (c is None or (isinstance(c, str) and not c.strip())) for c in row):
                continue
            if len(rows) >= limit:
                total = len(rows) + 1 + sum(1 for r in rows_iter if any(c.value not in (None, "") for c in r))
                raise _limit_error(total)
            formulas += [(number, i) for i, c in enumerate(cells) if _is_formula(c)]
            rows.append(row)
            lines.append(number)
        info["formulas"] = formulas
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_("The workbook could not be read; save it again from Excel as .xlsx.")) from None
    finally:
        book.close()
    return headers, rows, lines, info


def _is_formula(cell):
    return getattr(cell, "data_type", None) == "f"


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if _is_formula(cell):
        return None  # refused by check_cells; never imported
    return value


def _column_label(headers, index):
    if index < len(headers) and headers[index] not in (None, ""):
        # A control character in a column name is shown by its code, never as itself
        # (PostgreSQL refuses NUL in the report it is stored in).
        return "".join(f"U+{ord(ch):04X}" if ch in _CONTROL else ch for ch in str(headers[index]))
    # A spreadsheet's own column letters: A … Z, AA …
    label, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        label = chr(65 + rest) + label
    return label


def _cell_problem(value) -> str:
    if not isinstance(value, str):
        return ""
    if len(value) > settings.IMPORT_MAX_CELL_CHARS:
        return _("it holds %(n)s characters; at most %(max)s are allowed in one cell.") % {
            "n": f"{len(value):,}",
            "max": f"{settings.IMPORT_MAX_CELL_CHARS:,}",
        }
    bad = next((ch for ch in value if ch in _CONTROL), None)
    if bad is not None:
        return _("it holds an invisible control character (U+%(code)04X); remove it.") % {"code": ord(bad)}
    # Leading tabs, carriage returns and line feeds are how a formula hides in a cell;
    # they are refused, never silently stripped.
    if value.lstrip(" ").startswith(("\t", "\r", "\n")) or value.startswith(("'\t", "'\r", "'\n")):
        return _("it starts with a tab or a line break; remove it.")
    return ""


# C0 controls except tab, line feed and carriage return; DEL; and the C1 controls.
_CONTROL = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)])


def check_cells(headers, rows, lines, formulas=()) -> list[str]:
    """Messages (at most 20, then a count) naming the row and column of each odd cell."""
    problems = []
    for index, value in enumerate(headers):
        problem = _cell_problem(value)
        if problem:
            problems.append((1, index, problem))
    for line, index in formulas:
        problems.append((line, index, _("it holds a formula; paste its value instead (Paste Special > Values).")))
    for row, line in zip(rows, lines, strict=True):
        for index, value in enumerate(row):
            problem = _cell_problem(value)
            if problem:
                problems.append((line, index, problem))
    problems.sort(key=lambda p: (p[0], p[1]))
    messages = [
        _("Row %(line)s, column “%(column)s”: %(problem)s")
        % {"line": line, "column": _column_label(headers, index), "problem": problem}
        for line, index, problem in problems[:20]
    ]
    if len(problems) > 20:
        messages.append(_("… and %(n)s more cells like these.") % {"n": len(problems) - 20})
    return messages


def read_table(data: bytes, filename: str = "") -> tuple[tablib.Dataset, dict]:
    """A tablib Dataset (headers as written) and facts about the file; ImportFileError if unusable.

    `info` holds the format, the encoding (CSV), the sheet read and the others (XLSX),
    and `lines`: the file's row number of each dataset row (the header is row 1;
    blank rows are skipped but still counted).
    """
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
            % {"size": round(len(data) / 2**20, 1), "max": settings.IMPORT_MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    lower = filename.lower()
    formulas = ()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _read_ole(data)
    if data.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise ImportFileError(_("The file is named .xlsx but is not an Excel workbook."))
        headers, rows, lines, info = _read_xlsx(data)
        formulas = info.pop("formulas")
        info.update({"format": "xlsx", "encoding": ""})
    else:
        headers, rows, lines, encoding = _read_csv(data)
        info = {"format": "csv", "encoding": encoding}
    if not headers or not any(h not in (None, "") for h in headers):
        raise ImportFileError(_("The first row must hold the column names."))
    problems = check_cells(headers, rows, lines, formulas)
    if problems:
        raise ImportFileError(problems)
    width = len(headers)
    long_rows = []
    for index, row in enumerate(rows):
        if len(row) > width:
            if any(c not in (None, "") and str(c).strip() for c in row[width:]):
                long_rows.append(lines[index])
            rows[index] = row = row[:width]
        if len(row) < width:
            rows[index] = list(row) + [None] * (width - len(row))
    if long_rows:
        raise ImportFileError(
            _("Row(s) %(rows)s have more cells than there are column names.")
            % {"rows": ", ".join(map(str, long_rows[:10]))}
        )
    dataset = tablib.Dataset(*[tuple(r) for r in rows], headers=[str(h or "") for h in headers])
    # The resources report rows by the file's numbering, blank rows included.
    dataset.lines = lines
    info["rows"] = len(rows)
    info["lines"] = lines
    return dataset, info

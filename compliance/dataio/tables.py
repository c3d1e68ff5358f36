"""Reading and writing record files (CSV, XLSX) safely.

Reading: CSV in UTF-8 (with or without BOM), UTF-16 or CP949/EUC-KR (what Korean
offices still produce; a file mixing encodings is refused, not guessed), or a real
XLSX workbook (a ZIP that is not a workbook, an old .xls or an oversized archive is
refused). Size and row limits are checked before any row is imported.

Writing: CSV as UTF-8 with BOM (so Excel on Korean Windows reads it), XLSX with real
dates and numbers. Text that a spreadsheet would run as a formula (= + - @, tab, CR)
is prefixed with an apostrophe; importing removes it again, so a round trip is
lossless.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from decimal import Decimal

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from .resources import FORMULA_STARTS, ImportFileError

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


def _read_csv(data: bytes) -> tuple[list, list, str]:
    text, encoding = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, None)
        rows = []
        limit = max_rows()
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limit:
                # Count the rest cheaply for the message; nothing is cleaned or imported.
                total = len(rows) + 1 + sum(1 for r in reader if any(c.strip() for c in r))
                raise _limit_error(total)
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
    return headers, rows, encoding


def _read_xlsx(data: bytes) -> tuple[list, list]:
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
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a malformed workbook
        raise ImportFileError(_("The workbook could not be read; save it again from Excel as .xlsx.")) from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        headers = list(next(rows_iter, None) or [])
        while headers and headers[-1] in (None, ""):
            headers.pop()
        rows, limit = [], max_rows()
        for raw in rows_iter:
            row = list(raw)
            if not any(not (c is None or (isinstance(c, str) and not c.strip())) for c in row):
                continue
            if len(rows) >= limit:
                total = len(rows) + 1 + sum(1 for r in rows_iter if any(c not in (None, "") for c in r))
                raise _limit_error(total)
            rows.append(row)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_("The workbook could not be read; save it again from Excel as .xlsx.")) from None
    finally:
        book.close()
    return headers, rows


def read_table(data: bytes, filename: str = "") -> tuple[tablib.Dataset, dict]:
    """A tablib Dataset (headers as written) and facts about the file; ImportFileError if unusable."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
            % {"size": round(len(data) / 2**20, 1), "max": settings.IMPORT_MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    lower = filename.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel (.xls) file; save it as .xlsx or CSV."))
    if data.startswith(b"PK\x03\x04") or lower.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise ImportFileError(_("The file is named .xlsx but is not an Excel workbook."))
        headers, rows = _read_xlsx(data)
        info = {"format": "xlsx", "encoding": ""}
    else:
        headers, rows, encoding = _read_csv(data)
        info = {"format": "csv", "encoding": encoding}
    if not headers or not any(h not in (None, "") for h in headers):
        raise ImportFileError(_("The first row must hold the column names."))
    width = len(headers)
    long_rows = []
    for index, row in enumerate(rows):
        if len(row) > width:
            if any(c not in (None, "") and str(c).strip() for c in row[width:]):
                long_rows.append(index + 2)
            rows[index] = row = row[:width]
        if len(row) < width:
            rows[index] = list(row) + [None] * (width - len(row))
    if long_rows:
        raise ImportFileError(
            _("Row(s) %(rows)s have more cells than there are column names.")
            % {"rows": ", ".join(map(str, long_rows[:10]))}
        )
    dataset = tablib.Dataset(*[tuple(r) for r in rows], headers=[str(h or "") for h in headers])
    info["rows"] = len(rows)
    return dataset, info


# --- Writing -------------------------------------------------------------------------------------


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal | float):
        return str(value)
    return _safe_text(str(value))


def write_table(headers, rows, fmt) -> bytes:
    """CSV (UTF-8 with BOM) or XLSX bytes; formula-like text neutralised in both."""
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([_csv_cell(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(fmt)
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(sheet, value=_safe_text(str(h)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, bool) or value is None:
                cell = WriteOnlyCell(sheet, value=value)
            elif isinstance(value, int):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "#,##0"
            elif isinstance(value, Decimal | float):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0.0"
            else:
                # data_type "s": never a formula, whatever the text starts with.
                cell = WriteOnlyCell(sheet, value=_safe_text(str(value)))
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

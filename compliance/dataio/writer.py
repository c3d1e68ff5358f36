"""The one writer of every CSV and XLSX file the app produces.

Record exports, the audit-trail export and anything added later call `write_table`
(whole files) or `csv_lines` (a CSV streamed row by row); a test fails when another
module writes CSV or XLSX itself, so the rules below cannot drift:

- Text that a spreadsheet would run as a formula gets a leading apostrophe: text that
  starts with = + - @ (also their full-width forms, and after leading spaces), or with a
  tab, carriage return or line feed. Importing removes that apostrophe again
  (`strip_neutraliser`), so an export → import round trip is lossless.
- XLSX text cells are typed as strings (never formulas) and lose the control characters
  XML cannot hold (they would make the file unreadable); CSV keeps them.
- CSV is UTF-8 with a BOM (Excel on Korean Windows reads it), CRLF line ends; XLSX has
  real dates and numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

FORMULA_FIRST = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_CONTROL = ("\t", "\r", "\n")
# Characters XML 1.0 cannot carry; openpyxl refuses to write them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula (or hide one behind it)."""
    if not text:
        return False
    if text.startswith(FORMULA_CONTROL):
        return True
    return text.lstrip(" \u00a0\u3000").startswith(FORMULA_FIRST)


def neutralise(value):
    """`value` with an apostrophe before text a spreadsheet would run; other values as they are."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def strip_neutraliser(text: str) -> str:
    """The inverse of `neutralise` for an imported cell."""
    if len(text) > 1 and text[0] == "'" and looks_like_formula(text[1:]):
        return text[1:]
    return text


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal | float):
        return str(value)
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers, rows):
    """A CSV file as an iterator of str chunks (BOM first), for streaming responses."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def write_table(headers, rows, fmt) -> bytes:
    """CSV (UTF-8 with BOM) or XLSX bytes; formula-like text neutralised in both."""
    if fmt == "csv":
        return "".join(csv_lines(headers, rows)).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(fmt)
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(value):
        cell = WriteOnlyCell(sheet, value=_XML_ILLEGAL.sub("\ufffd", neutralise(str(value))))
        # data_type "s": never a formula, whatever the text starts with.
        cell.data_type = "s"
        return cell

    header_cells = []
    for h in headers:
        cell = text_cell(h)
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
                cell = text_cell(value)
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

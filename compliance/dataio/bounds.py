"""What a record file must satisfy before it is parsed at all (`compliance.dataio.tables`).

- CSV quoting: a quote opened and never closed (or closed only lines later) makes the
  csv module swallow the following lines into one cell, so two records became one and
  the check and the import still said every row was saved. A quoted cell may hold line
  breaks (Excel writes them for Alt+Enter), but a line swallowed into a cell that looks
  like a record of its own (as many separators as the header), or a quote still open at
  the end of the file, is refused, naming the line where the quote opened.
- XLSX size: a workbook declaring millions of shared strings, rows or cells is small
  when compressed and under the unpacked limit, yet openpyxl took minutes and over 400
  MB to read it. The parts are counted by streaming through them (constant memory)
  before openpyxl sees them, and reading stops after WEGO_IMPORT_READ_SECONDS.
"""

from __future__ import annotations

import re
import time
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from .resources import ImportFileError

# --- CSV -------------------------------------------------------------------------------


def check_csv_quotes(text: str, delimiter: str) -> None:
    """Refuse quoting that swallows lines (see the module doc); ImportFileError names the line.

    Quotes are read as the csv module reads them: a quote opens a quoted cell only at the
    start of a cell (`12" monitor` is text), `""` inside one is a quote character."""
    header_separators = None
    in_quotes, open_since, inside = False, 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if in_quotes:
            inside.append(line)
        if '"' in line:
            in_quotes, opened, closed_at = _scan(line, in_quotes)
            if opened is not None:
                open_since, inside = number, []
            if closed_at is not None and open_since < number:
                inside[-1] = line[:closed_at]
                if _looks_like_records(inside, delimiter, header_separators):
                    _refuse(open_since, number)
        if header_separators is None and not in_quotes:
            header_separators = line.count(delimiter)
    if in_quotes:
        raise ImportFileError(
            _(
                'Line %(line)s opens a quote (") that is never closed: every line after it would become one '
                "cell. Close the quote on line %(line)s (or remove it) and upload the file again."
            )
            % {"line": open_since}
        )


def _scan(line, in_quotes):
    """(still in quotes at the end of the line, index of the last quote that opened a
    cell or None, index of the first quote that closed a cell opened before this line or None)."""
    opened = closed_at = None
    carried = in_quotes
    at_start = not in_quotes
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 2
                    continue
                in_quotes = False
                if carried and closed_at is None:
                    closed_at, carried = i, False
        elif ch == '"' and at_start:
            in_quotes, opened = True, i
        elif ch in ",\t;":
            at_start = True
            i += 1
            continue
        elif ch not in " \r":
            at_start = False
        i += 1
    return in_quotes, opened, closed_at


def _looks_like_records(inside, delimiter, header_separators):
    wanted = max(1, header_separators or 1)
    return any(line.count(delimiter) >= wanted for line in inside)


def _refuse(opened, closed):
    raise ImportFileError(
        _(
            'Line %(line)s opens a quote (") that is closed only on line %(end)s, so the lines between would be '
            "read as one cell, not as rows. Close the quote on line %(line)s (or remove it) and upload the file again."
        )
        % {"line": opened, "end": closed}
    )


# --- XLSX ------------------------------------------------------------------------------

_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s>/]")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")


def _count(archive, name, pattern, limit, deadline) -> int:
    """Occurrences of `pattern` in a member, read in 1 MB chunks; stops past `limit`."""
    total, tail = 0, b""
    with archive.open(name) as fh:
        while chunk := fh.read(2**20):
            data = tail + chunk
            total += sum(1 for _match in pattern.finditer(data))
            # Keep the last few bytes (an element name cut in two) without counting them twice.
            cut = max(data.rfind(b"<"), len(data) - 16)
            total -= sum(1 for _match in pattern.finditer(data, cut))
            tail = data[cut:]
            if total > limit:
                return total
            if time.monotonic() > deadline:
                too_slow()
        total += sum(1 for _match in pattern.finditer(tail))
    return total


def too_slow():
    raise ImportFileError(
        _("Reading the file took longer than %(seconds)s seconds; split it into smaller files.")
        % {"seconds": settings.WEGO_IMPORT_READ_SECONDS}
    )


def deadline() -> float:
    return time.monotonic() + settings.WEGO_IMPORT_READ_SECONDS


def check_xlsx_counts(archive: zipfile.ZipFile, names, until: float) -> None:
    """Refuse a workbook whose shared strings, rows or cells exceed what an import may hold."""
    max_rows = settings.IMPORT_MAX_ROWS
    max_cells = settings.WEGO_IMPORT_MAX_CELLS
    max_strings = settings.WEGO_IMPORT_MAX_SHARED_STRINGS
    lowered = {name.lower(): name for name in names}
    shared = lowered.get("xl/sharedstrings.xml")
    if shared is not None:
        strings = _count(archive, shared, _SHARED_STRING, max_strings, until)
        if strings > max_strings:
            raise ImportFileError(
                _("The workbook declares more than %(max)s different texts; split it into smaller files.")
                % {"max": f"{max_strings:,}"}
            )
    rows = cells = 0
    for lower, name in lowered.items():
        if not (lower.startswith("xl/worksheets/") and lower.endswith(".xml")):
            continue
        # Blank rows are skipped but still read, and up to ten times the row limit is
        # counted so that the refusal can say how many data rows there are.
        row_bound = 10 * max_rows
        rows += _count(archive, name, _ROW, row_bound, until)
        cells += _count(archive, name, _CELL, max_cells, until)
        if rows > row_bound:
            raise ImportFileError(
                _("The workbook has more than %(max)s rows; split it into smaller files.") % {"max": f"{row_bound:,}"}
            )
        if cells > max_cells:
            raise ImportFileError(
                _("The workbook has more than %(max)s cells; split it into smaller files.") % {"max": f"{max_cells:,}"}
            )

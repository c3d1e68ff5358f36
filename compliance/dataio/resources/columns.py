"""How an import speaks the file's language: its columns named as the file names them,
its rows described by what they hold (a title, a kind by its label, a day written the
city's way), never by internal field names or codes joined by "|"."""

import datetime

from django.utils.translation import gettext as _

from ...display import date_label
from ...labels import fiscal_year_label


class ImportFileError(Exception):
    """The file as a whole cannot be imported (headers, encoding, size, format)."""

    def __init__(self, messages):
        self.messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        super().__init__("; ".join(self.messages))


class FileLanguage:
    """Mixed into the import resources (`get_export_fields()` gives the `Col`s, `key` the
    columns of the natural key)."""

    def normalise_headers(self, dataset):
        """Map Korean headers to column names; refuse unknown and missing columns.

        The first call also remembers each column as the file writes it (`column_label`),
        so that every message names the column the way the user's file does."""
        fields_ = self.get_export_fields()
        by_ko = {f.ko: f.column_name for f in fields_ if f.ko}
        known = {f.column_name for f in fields_}
        headers, unknown, seen, written = [], [], set(), {}
        korean = False
        for raw in dataset.headers or []:
            header = str(raw or "").lstrip("\ufeff").strip()
            korean = korean or header in by_ko
            name = by_ko.get(header, header)
            if name not in known:
                unknown.append(header or _("(empty header)"))
            elif name in seen:
                raise ImportFileError(_("The column “%(name)s” appears twice.") % {"name": header})
            else:
                written[name] = header
            seen.add(name)
            headers.append(name)
        if getattr(self, "_as_written", None) is None:
            self._as_written, self._korean_file = written, korean
        errors = []
        if unknown:
            errors.append(
                _("Unknown column(s): %(names)s. Known columns: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(self.column_label(f.column_name) for f in fields_)}
            )
        missing = [self.column_label(f.column_name) for f in fields_ if f.required and f.column_name not in seen]
        if missing:
            errors.append(_("Missing required column(s): %(names)s.") % {"names": ", ".join(missing)})
        if errors:
            raise ImportFileError(errors)
        dataset.headers = headers

    def column_label(self, name):
        """A column as the user's file names it: its own header, else the Korean header for a
        file written with Korean headers, else the English column name."""
        written = getattr(self, "_as_written", None) or {}
        if name in written:
            return written[name]
        if getattr(self, "_korean_file", False):
            for f in self.get_export_fields():
                if f.column_name == name and f.ko:
                    return f.ko
        return name

    def cell_text(self, name, value):
        """A cleaned cell the way the interface writes it: a day as 2026. 12. 8.(화), a
        choice by its label (사업계획서(안), not plan_draft)."""
        if value is None or value == "":
            return ""
        if isinstance(value, datetime.date):
            return date_label(value)
        field = next((f for f in self.get_export_fields() if f.column_name == name), None)
        choices = getattr(getattr(field, "widget", None), "choices", None)
        if choices is not None:
            return str(dict(choices.choices).get(value, value))
        return str(value)

    def row_label(self, row):
        """What a row of the file is, in words, for the report: its key cells as the
        interface writes them (a title, a kind by its label, a day), not codes joined by |."""
        parts = []
        for name in self.key:
            raw = row.get(name, "")
            field = next((f for f in self.get_export_fields() if f.column_name == name), None)
            try:
                value = field.widget.clean(raw, row=row) if field is not None else raw
            except ValueError:
                value = raw
            if name == "fiscal_year" and isinstance(value, int):
                parts.append(fiscal_year_label(value))
                continue
            text = self.cell_text(name, value)
            if text:
                parts.append(text)
        return " · ".join(parts)

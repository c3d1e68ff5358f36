"""Importing records: a dry run with a row-by-row report, then an all-or-nothing apply."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit, register
from ..dataio.resources import IMPORTABLE, RESOURCES, ImportFileError
from ..dataio.tables import read_table
from ..display import date_label
from . import translog

ACTION_LABELS = {
    "new": gettext_lazy("create"),
    "update": gettext_lazy("update"),
    "skip": gettext_lazy("unchanged"),
    "invalid": gettext_lazy("refused"),
    "error": gettext_lazy("refused"),
}


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return date_label(value)
    return str(value)


@dataclass(frozen=True)
class RowChange:
    """One field an update changes, as the file's column, old → new (text as exported)."""

    column: str
    old: str
    new: str

    @property
    def cleared(self):
        return self.new == "" and self.old != ""

    def as_text(self):
        new = _("(cleared)") if self.cleared else self.new
        return f"{self.column}: {self.old or _('(empty)')} → {new}"


@dataclass
class RowReport:
    line: int  # the file's row (the header is row 1; blank rows count)
    action: str  # new / update / skip / invalid / error
    key: str
    messages: list = field(default_factory=list)  # [(column or "", message)]
    changes: list = field(default_factory=list)  # [RowChange] of an update

    @property
    def refused(self):
        return self.action in ("invalid", "error")

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, self.action)


@dataclass
class ImportReport:
    resource: str
    filename: str = ""
    dry_run: bool = True
    applied: bool = False
    info: dict = field(default_factory=dict)
    file_errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    def count(self, *actions):
        return sum(1 for r in self.rows if r.action in actions)

    @property
    def created(self):
        return self.count("new")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("skip")

    @property
    def refused(self):
        return self.count("invalid", "error")

    @property
    def refused_rows(self):
        return [r for r in self.rows if r.refused]

    @property
    def ok(self):
        return not self.file_errors and not self.refused

    def summary(self):
        return _(
            "%(total)s rows: %(new)s to create, %(update)s to update, %(skip)s unchanged, %(refused)s refused."
        ) % {
            "total": len(self.rows),
            "new": self.created,
            "update": self.updated,
            "skip": self.unchanged,
            "refused": self.refused,
        }

    @property
    def notices(self):
        """What the user should know about how the file was read (the sheet of a workbook)."""
        notes = []
        if self.info.get("sheet"):
            others = self.info.get("other_sheets") or []
            if others:
                notes.append(
                    _("Read the sheet “%(sheet)s” only; the other sheets were not read: %(others)s.")
                    % {"sheet": self.info["sheet"], "others": ", ".join(f"“{name}”" for name in others)}
                )
            else:
                notes.append(_("Read the sheet “%(sheet)s”.") % {"sheet": self.info["sheet"]})
        return notes

    def as_text(self, all_rows=True):
        lines = [f"{self.resource}: {self.filename}"]
        if self.info.get("encoding"):
            lines.append(_("Encoding: %(enc)s") % {"enc": self.info["encoding"]})
        lines.extend(self.notices)
        for message in self.file_errors:
            lines.append(_("File refused: %(message)s") % {"message": message})
        for row in self.rows:
            if not all_rows and not row.refused:
                continue
            lines.append(
                _("Row %(line)s [%(action)s] %(key)s") % {"line": row.line, "action": row.action_label, "key": row.key}
            )
            for column, message in row.messages:
                lines.append(f"    - {column}: {message}" if column else f"    - {message}")
            for change in row.changes:
                lines.append(f"    · {change.as_text()}")
        if not self.file_errors:
            lines.append(self.summary())
        if self.applied:
            lines.append(_("Imported."))
        elif self.dry_run and self.ok:
            lines.append(_("Dry run: nothing was saved."))
        else:
            lines.append(_("Nothing was imported: fix the rows above and try again."))
        return "\n".join(lines)


def _row_messages(row_result, resource):
    """(column as the file names it, message) for each problem of a row."""
    messages = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            for column, errs in error.message_dict.items():
                for message in errs:
                    messages.append(("" if column == NON_FIELD_ERRORS else resource.column_label(column), message))
        else:
            messages.extend(("", m) for m in error.messages)
    for err in row_result.errors:
        messages.append(("", str(err.error) or err.error.__class__.__name__))
    return messages


def do_import_records(
    resource_name: str, data: bytes, filename: str = "", dry_run: bool = True, progress=None
) -> ImportReport:
    """Validate and (unless `dry_run`) import a file, all or nothing.

    Nothing is saved when any row is refused or the file is unusable; the report says,
    row by row, what was (or would be) created, updated, left unchanged or refused, and why.
    `progress(done, total)` is called as rows are processed (for background import jobs).
    """
    report = ImportReport(resource=resource_name, filename=filename, dry_run=dry_run)
    if resource_name not in IMPORTABLE:
        report.file_errors.append(
            _("“%(name)s” cannot be imported. Importable: %(names)s.")
            % {"name": resource_name, "names": ", ".join(IMPORTABLE)}
        )
        return report
    resource = RESOURCES[resource_name]()
    try:
        dataset, report.info = read_table(data, filename)
        resource.normalise_headers(dataset)
    except ImportFileError as exc:
        report.file_errors.extend(exc.messages)
        return report
    if progress:
        _count_rows(resource, len(dataset), progress)
    # A dry run's writes are always rolled back, so they are not audited; a real import
    # writes its audit entries in one go at its end (audit.batched), and refreshes the
    # stored register once for what it touched, not once per row.
    with audit.discarded() if dry_run else transaction.atomic(), audit.batched(), register.batch():
        logged_kind = None if dry_run else translog.IMPORTED_KINDS.get(resource_name)
        before = translog.snapshot(logged_kind) if logged_kind else {}
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        lines = report.info.get("lines") or []
        for index, (row_result, raw) in enumerate(zip(result.rows, dataset.dict, strict=False)):
            report.rows.append(
                RowReport(
                    line=lines[index] if index < len(lines) else index + 2,
                    action=row_result.import_type,
                    key=resource.row_label(raw),
                    messages=_row_messages(row_result, resource),
                    changes=[
                        RowChange(resource.column_label(column), _shown(old), _shown(new))
                        for column, old, new in getattr(row_result, "changes", [])
                    ],
                )
            )
        for error in result.base_errors:
            report.file_errors.append(str(error.error))
        if dry_run or not report.ok:
            transaction.set_rollback(True)
        else:
            report.applied = True
            # What the import created or changed goes into the transparency log, in
            # the same transaction.
            translog.log_import(resource_name, before)
    return report


def _count_rows(resource, total, progress):
    """Call `progress(done, total)` about fifty times as the resource imports its rows
    (wrapping its own `import_row`: what each row does is unchanged)."""
    import_row = resource.import_row
    step, done = max(total // 50, 1), [0]

    def counting_import_row(*args, **kwargs):
        result = import_row(*args, **kwargs)
        done[0] += 1
        if done[0] % step == 0 or done[0] == total:
            progress(done[0], total)
        return result

    resource.import_row = counting_import_row

"""Import and export of records as CSV/XLSX (django-import-export resources).

Files never carry database ids: every row is identified by a natural key (a document
by its receipt date, fiscal year, kind and title; a duty rule by its code; a party by
its code; a funding row by its year), and references to other records use the same
keys. Cells are cleaned by the widgets below, which accept what Korean offices type
(``2023.01.16``, ``1,262,000``) and refuse the rest with a row-level message.

The resources serve three callers: the admin (ImportExportModelAdmin), the
``import_records``/``export_records`` commands and the browser import page; the file
handling (encodings, XLSX safety, limits) and the all-or-nothing service live in
``compliance.dataio.tables`` and ``compliance.services.imports``.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _
from import_export import fields, resources

from ...display import date_label
from .batching import BatchedCreates, kept_for_later
from .columns import FileLanguage, ImportFileError  # noqa: F401 (re-exported)
from .widgets import (  # noqa: F401 (the resources import the widgets from here)
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ListWidget,
    TextWidget,
    _blank,
)

# A text cell that starts with one of these is a formula to a spreadsheet program; exports
# prefix it with an apostrophe and imports remove that apostrophe again (lossless). The
# full rule is `compliance.dataio.writer.looks_like_formula`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Several references in one cell (committee report documents, duty rule provisions):
# one per line, parts separated by " | ".
REF_SEPARATOR = " | "


# --- Fields: a column with a Korean header and a required flag ---------------------------


class Col(fields.Field):
    def __init__(self, attribute=None, widget=None, required=False, ko="", **kwargs):
        self.required = required
        self.ko = ko
        super().__init__(attribute=attribute, widget=widget or TextWidget(), **kwargs)


def _doc_key_text(received_on, fiscal_year, kind, title):
    """A document reference as a cell writes it (receipt date | fiscal year | kind | title)."""
    return REF_SEPARATOR.join([received_on.isoformat() if received_on else "", str(fiscal_year), kind, title])


def _doc_meaning(received_on, fiscal_year, kind, title):
    """A document named by its meaning, for messages: “title” (kind, fiscal year, received on)."""
    from ...labels import fiscal_year_label
    from ...models import DocumentKind

    kind_label = dict(DocumentKind.choices).get(kind, kind)
    received = date_label(received_on) if isinstance(received_on, datetime.date) else (received_on or "")
    details = ", ".join(str(p) for p in (kind_label, fiscal_year_label(fiscal_year), received) if p)
    return f"“{title}” ({details})"


class NaturalKeyResource(FileLanguage, BatchedCreates, resources.ModelResource):
    """A resource whose rows are matched by a natural key, validated row by row.

    Subclasses declare `Col`s, `key` (the columns forming the natural key),
    `natural_key(obj)` (the same key read from a model instance) and `assign()`
    (cleaned values -> instance, raising ValidationError for unresolved references).

    Meta `use_bulk = True` batches the creates (`BatchedCreates`).
    """

    key = ()
    name = ""
    verbose_name = ""
    allow_create = True
    # The model's unique fields are exactly the natural key: duplicates within the file
    # and clashes with stored records are already found by key (`_seen`, `_existing`),
    # so full_clean need not ask the database once per row.
    unique_by_key = False

    class Meta:
        skip_unchanged = True
        report_skipped = True
        # The library's diff deep-copies every row's record and reads all its fields twice;
        # the report needs only what an update changes, which `skip_row` works out from a
        # snapshot of the stored record (`after_init_instance`).
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = True
        use_transactions = True

    # -- columns ---------------------------------------------------------------------

    @classmethod
    def columns(cls):
        return [f for f in cls().get_export_fields()]

    def korean_headers(self):
        return {f.column_name: f.ko or f.column_name for f in self.get_export_fields()}

    # -- import workflow hooks -----------------------------------------------------------

    def get_queryset(self):
        return self._meta.model.objects.all()

    def _check_import_id_fields(self, headers):
        # `normalise_headers` has already checked the columns, with a clearer message.
        pass

    def natural_key(self, obj):
        raise NotImplementedError

    def prepare(self):
        """Load what rows refer to, once per import (constant number of queries)."""

    def before_import(self, dataset, **kwargs):
        self._seen = {}
        self._existing = {self.natural_key(obj): obj for obj in self.get_queryset()}
        self.prepare()
        self.normalise_headers(dataset)
        # A column the file leaves out is left as it is on every record; only the
        # columns present are read, and an empty cell in one of them clears the field.
        self._present = set(dataset.headers)
        self._lines = getattr(dataset, "lines", None)
        self._deferred = {}  # model -> instances to bulk_create, models in dependency order

    def line_of(self, row_number):
        """The file's row number (header = 1) of the dataset's `row_number` (1-based)."""
        if self._lines and row_number and row_number <= len(self._lines):
            return self._lines[row_number - 1]
        return (row_number or 0) + 1

    def present(self, *columns):
        """Whether the file has any of these columns."""
        return any(c in self._present for c in columns)

    def before_import_row(self, row, row_number=None, **kwargs):
        values, errors = {}, {}
        for field in self.get_import_fields():
            name = field.column_name
            if name not in self._present and name not in self.key:
                continue
            try:
                value = field.widget.clean(row.get(name), row=row)
            except ValueError as exc:
                errors[name] = [str(exc)]
                continue
            if field.required and value in (None, "", []):
                errors[name] = [_("This column is required.")]
            values[name] = value
        self._values, self._errors = values, errors
        key_errors = {k: v for k, v in errors.items() if k in self.key}
        if key_errors:
            raise ValidationError(key_errors)
        key = tuple(values[k] for k in self.key)
        if key in self._seen:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Duplicate of row %(row)s (same %(key)s).")
                        % {"row": self._seen[key], "key": ", ".join(self.column_label(k) for k in self.key)}
                    ]
                }
            )
        self._seen[key] = self.line_of(row_number)
        self._key = key

    def import_row(self, row, instance_loader, **kwargs):
        self._changes = []
        result = super().import_row(row, instance_loader, **kwargs)
        result.changes = self._changes if result.import_type == "update" else []
        return result

    def set_present(self, instance, values, names):
        """Copy the cleaned values of the columns the file has onto `instance`."""
        for name in names:
            if name in values:
                setattr(instance, name, values[name])

    def get_import_fields(self):
        # Asked for on every row; the columns do not change during an import.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = None if new or instance.pk is None else self.snapshot(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(self, "_before", None)
        if import_validation_errors or instance.pk is None or before is None:
            return False
        after = self.snapshot(instance)
        self._changes = [
            (f.column_name, old, new)
            for f, old, new in zip(self.get_export_fields(), before, after, strict=True)
            if old != new
        ]
        return not self._changes

    def get_instance(self, instance_loader, row):
        instance = self._existing.get(self._key)
        if instance is None and not self.allow_create:
            raise ValidationError({NON_FIELD_ERRORS: [self.unknown_key_message(self._key)]})
        return instance

    def unknown_key_message(self, key):
        return _("No record with this key exists, and this kind of record cannot be created by import.")

    def import_instance(self, instance, row, **kwargs):
        if self._errors:
            raise ValidationError(self._errors)
        self.assign(instance, self._values)

    def assign(self, instance, values):
        raise NotImplementedError

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # A row with bad cells is reported by its cells only, not also by the model's
        # complaints about the fields those cells could not fill.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if self.unique_by_key:
            validate_unique = False
        resolved = self.resolved_references(instance)
        if not resolved:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        # References that `assign` took from rows read or saved in this transaction exist:
        # check them without asking the database once more per row (null/blank still checked).
        errors = {}
        for name in resolved:
            field = instance._meta.get_field(name)
            if kept_for_later(instance, field):
                continue  # a record this import creates: written (and given its id) first
            try:
                Field.validate(field, getattr(instance, field.attname), instance)
            except ValidationError as exc:
                errors[name] = exc.error_list
        try:
            instance.full_clean(exclude=resolved, validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def resolved_references(self, instance):
        """Foreign keys `assign` set from records loaded or saved during this import."""
        return []

    def snapshot(self, obj):
        return [self.export_field(f, obj) for f in self.get_export_fields()]

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._meta.use_bulk:
            super().save_instance(instance, is_create, row, **kwargs)
        elif is_create and not getattr(instance, "_pending_m2m", None):
            self.defer(instance)
        else:
            self._flush_if_refers_to_deferred(instance, any_model=True)
            with transaction.atomic():  # this row's own savepoint: a failed write undoes only it
                self.do_instance_save(instance, is_create)
        self._existing[self._key] = instance

    def save_m2m(self, instance, row, **kwargs):
        for name, objs in getattr(instance, "_pending_m2m", {}).items():
            getattr(instance, name).set(objs)

    def key_text(self, row):
        """The natural key of a raw row, for the row-by-row report."""
        return REF_SEPARATOR.join(str(row.get(k, "") or "") for k in self.key)


def _ref_error(column, message):
    return ValidationError({column: [message]})

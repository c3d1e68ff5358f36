"""Import and export of records as CSV/XLSX (django-import-export resources).

Files never carry database ids: every row is identified by a natural key (a document
by its receipt date, fiscal year, kind and title; a duty rule by its code; a party by
its code; a funding row by its year), and references to other records use the same
keys. Cells are cleaned by the widgets below, which accept what Korean offices type
(``2023.01.16``, ``1,262,000``) and refuse the rest with a row-level message.

The resources serve three callers: the admin (ImportExportModelAdmin), the
``import_records``/``export_records`` commands and the browser import page; the file
handling (encodings, XLSX safety, limits) and the all-or-nothing service live in
``compliance.dataio``.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Field
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from . import models
from .obligations import load_history, obligations_as_of

# A text cell that starts with one of these is a formula to a spreadsheet program; exports
# prefix it with an apostrophe and imports remove that apostrophe again (lossless).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Several references in one cell (committee report documents, duty rule provisions):
# one per line, parts separated by " | ".
REF_SEPARATOR = " | "


class ImportFileError(Exception):
    """The file as a whole cannot be imported (headers, encoding, size, format)."""

    def __init__(self, messages):
        self.messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        super().__init__("; ".join(self.messages))


# --- Widgets: cell <-> value -----------------------------------------------------------


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


class TextWidget(widgets.Widget):
    def __init__(self, null=False, **kwargs):
        self.null = null
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None if self.null else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class DateWidget(widgets.Widget):
    """ISO dates, and the dotted/slashed forms Korean offices use (2023.01.16, 2023. 1. 16.)."""

    PATTERN = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if " 00:00:00" in text:
            text = text.replace(" 00:00:00", "")
        match = self.PATTERN.fullmatch(text)
        if not match:
            raise ValueError(_("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text})
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(_("“%(value)s” is not a real calendar date.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return value


class IntegerWidget(widgets.Widget):
    """Whole numbers; thousands separators allowed; negative only where `min_value` allows."""

    def __init__(self, min_value=0, max_value=None, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = str(value).strip().replace(",", "").replace(" ", "")
            if text[:2] in ("'-", "'+"):  # a number that went through our formula escaping as text
                text = text[1:]
            if re.fullmatch(r"[-+]?\d+(\.0+)?", text) is None:
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": str(value).strip()})
            number = int(Decimal(text))
        if self.min_value is not None and number < self.min_value:
            raise ValueError(
                _("%(value)s is below the smallest allowed value, %(min)s.") % {"value": number, "min": self.min_value}
            )
        if self.max_value is not None and number > self.max_value:
            raise ValueError(
                _("%(value)s is above the largest allowed value, %(max)s.") % {"value": number, "max": self.max_value}
            )
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.Widget):
    """A percentage as stated in the source (e.g. 12.6); a trailing % is accepted."""

    def __init__(self, places=1, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip().rstrip("%").replace(",", "").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": str(value).strip()}) from None
        if not number.is_finite() or number < 0:
            raise ValueError(_("“%(value)s” must be zero or more.") % {"value": str(value).strip()})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(TextWidget):
    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        values = [str(v) for v in self.choices.values]
        if text not in values:
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": ", ".join(values)}
            )
        return text


class ListWidget(TextWidget):
    """Several values in one cell: separated by commas, or one per line."""

    def __init__(self, separator=",", **kwargs):
        self.separator = separator
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return []
        parts = (
            text.splitlines() if self.separator == "\n" else text.replace("\n", self.separator).split(self.separator)
        )
        return [p.strip() for p in parts if p.strip()]

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(value or [])


# --- Fields: a column with a Korean header and a required flag ---------------------------


class Col(fields.Field):
    def __init__(self, attribute=None, widget=None, required=False, ko="", **kwargs):
        self.required = required
        self.ko = ko
        super().__init__(attribute=attribute, widget=widget or TextWidget(), **kwargs)


def _doc_key_text(received_on, fiscal_year, kind, title):
    return REF_SEPARATOR.join([received_on.isoformat() if received_on else "", str(fiscal_year), kind, title])


class NaturalKeyResource(resources.ModelResource):
    """A resource whose rows are matched by a natural key, validated row by row.

    Subclasses declare `Col`s, `key` (the columns forming the natural key),
    `natural_key(obj)` (the same key read from a model instance) and `assign()`
    (cleaned values -> instance, raising ValidationError for unresolved references).
    """

    key = ()
    name = ""
    verbose_name = ""
    allow_create = True

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = True
        use_transactions = True

    # -- columns ---------------------------------------------------------------------

    @classmethod
    def columns(cls):
        return [f for f in cls().get_export_fields()]

    def korean_headers(self):
        return {f.column_name: f.ko or f.column_name for f in self.get_export_fields()}

    def normalise_headers(self, dataset):
        """Map Korean headers to column names; refuse unknown and missing columns."""
        by_ko = {f.ko: f.column_name for f in self.get_export_fields() if f.ko}
        known = {f.column_name for f in self.get_export_fields()}
        headers, unknown, seen = [], [], set()
        for raw in dataset.headers or []:
            header = str(raw or "").lstrip("\ufeff").strip()
            header = by_ko.get(header, header)
            if header not in known:
                unknown.append(header or _("(empty header)"))
            elif header in seen:
                raise ImportFileError(_("The column “%(name)s” appears twice.") % {"name": header})
            seen.add(header)
            headers.append(header)
        errors = []
        if unknown:
            errors.append(
                _("Unknown column(s): %(names)s. Known columns: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(f.column_name for f in self.get_export_fields())}
            )
        missing = [f.column_name for f in self.get_export_fields() if f.required and f.column_name not in seen]
        if missing:
            errors.append(_("Missing required column(s): %(names)s.") % {"names": ", ".join(missing)})
        if errors:
            raise ImportFileError(errors)
        dataset.headers = headers

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

    def before_import_row(self, row, row_number=None, **kwargs):
        values, errors = {}, {}
        for field in self.get_import_fields():
            name = field.column_name
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
                        % {"row": self._seen[key], "key": ", ".join(self.key)}
                    ]
                }
            )
        # Reported as spreadsheet rows: the header is row 1.
        self._seen[key] = (row_number or 0) + 1
        self._key = key

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
        resolved = self.resolved_references(instance)
        if not resolved:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        # References that `assign` took from rows read or saved in this transaction exist:
        # check them without asking the database once more per row (null/blank still checked).
        errors = {}
        for name in resolved:
            field = instance._meta.get_field(name)
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

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None or original is None:
            return False
        return self.snapshot(original) == self.snapshot(instance)

    def snapshot(self, obj):
        return [self.export_field(f, obj) for f in self.get_export_fields()]

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        self._existing[self._key] = instance

    def save_m2m(self, instance, row, **kwargs):
        for name, objs in getattr(instance, "_pending_m2m", {}).items():
            getattr(instance, name).set(objs)

    def key_text(self, row):
        """The natural key of a raw row, for the row-by-row report."""
        return REF_SEPARATOR.join(str(row.get(k, "") or "") for k in self.key)


def _ref_error(column, message):
    return ValidationError({column: [message]})


# --- Received documents ----------------------------------------------------------------


class DocumentResource(NaturalKeyResource):
    name = "documents"
    verbose_name = gettext_lazy("Received documents")
    key = ("received_on", "fiscal_year", "kind", "title")

    received_on = Col("submission__received_on", DateWidget(), required=True, ko="접수일", column_name="received_on")
    receipt_number = Col(
        "submission__receipt_number", TextWidget(null=True), ko="접수번호", column_name="receipt_number"
    )
    fiscal_year = Col("fiscal_year", IntegerWidget(1900, 2200), required=True, ko="회계연도", column_name="fiscal_year")
    kind = Col("kind", ChoiceWidget(models.DocumentKind), required=True, ko="문서 종류", column_name="kind")
    title = Col("title", required=True, ko="제목", column_name="title")
    supersedes_received_on = Col(
        "supersedes__submission__received_on", DateWidget(), ko="대체 대상 접수일", column_name="supersedes_received_on"
    )
    supersedes_kind = Col(
        "supersedes__kind", ChoiceWidget(models.DocumentKind), ko="대체 대상 종류", column_name="supersedes_kind"
    )
    supersedes_title = Col("supersedes__title", ko="대체 대상 제목", column_name="supersedes_title")
    source = Col("source", ko="출처", column_name="source")
    submission_note = Col("submission__note", ko="접수 비고", column_name="submission_note")
    submission_source = Col("submission__source", ko="접수 출처", column_name="submission_source")

    class Meta(NaturalKeyResource.Meta):
        model = models.Document
        fields = (
            "received_on",
            "receipt_number",
            "fiscal_year",
            "kind",
            "title",
            "supersedes_received_on",
            "supersedes_kind",
            "supersedes_title",
            "source",
            "submission_note",
            "submission_source",
        )
        import_id_fields = ("received_on", "fiscal_year", "kind", "title")

    def get_queryset(self):
        return models.Document.objects.select_related("submission", "supersedes__submission").order_by(
            "submission__received_on", "pk"
        )

    def natural_key(self, obj):
        return (obj.submission.received_on, obj.fiscal_year, obj.kind, obj.title)

    def resolved_references(self, instance):
        return ["submission", "supersedes"]

    def prepare(self):
        self._submissions = {}
        for sub in models.Submission.objects.all():
            self._submissions[(sub.received_on, sub.receipt_number)] = sub
        self._by_number = {s.receipt_number: s for s in self._submissions.values() if s.receipt_number}

    def assign(self, instance, values):
        received_on, number = values["received_on"], values["receipt_number"]
        sub = self._submissions.get((received_on, number))
        if sub is None and number and number in self._by_number:
            other = self._by_number[number]
            raise _ref_error(
                "receipt_number",
                _("Receipt number %(number)s already belongs to the receipt of %(day)s.")
                % {"number": number, "day": other.received_on.isoformat()},
            )
        if sub is None:
            sub = models.Submission.objects.create(received_on=received_on, receipt_number=number)
            self._submissions[(received_on, number)] = sub
            if number:
                self._by_number[number] = sub
        if (sub.note, sub.source) != (values["submission_note"], values["submission_source"]):
            sub.note, sub.source = values["submission_note"], values["submission_source"]
            sub.save(update_fields=["note", "source"])
        instance.submission = sub
        instance.fiscal_year = values["fiscal_year"]
        instance.kind = values["kind"]
        instance.title = values["title"]
        instance.source = values["source"]
        parts = [values["supersedes_received_on"], values["supersedes_kind"], values["supersedes_title"]]
        if any(parts):
            if not all(parts):
                raise _ref_error(
                    "supersedes_title",
                    _("To name the superseded version give its receipt date, kind and title (all three)."),
                )
            key = (parts[0], values["fiscal_year"], parts[1], parts[2])
            older = self._existing.get(key)
            if older is None:
                raise _ref_error(
                    "supersedes_title",
                    _("No received document matches %(key)s (the superseded version must be of the same fiscal year).")
                    % {"key": _doc_key_text(*key)},
                )
            instance.supersedes = older
        else:
            instance.supersedes = None


# --- Forwardings to the Council ------------------------------------------------------------


class ForwardingResource(NaturalKeyResource):
    """One row per forwarded document; the forwarding is found by (date, document number)."""

    name = "forwardings"
    verbose_name = gettext_lazy("Forwardings to the Council")
    key = ("forwarded_on", "document_number", "fiscal_year", "kind", "description")

    forwarded_on = Col("forwarding__forwarded_on", DateWidget(), required=True, ko="송부일", column_name="forwarded_on")
    document_number = Col("forwarding__document_number", ko="공문 번호", column_name="document_number")
    fiscal_year = Col("fiscal_year", IntegerWidget(1900, 2200), required=True, ko="회계연도", column_name="fiscal_year")
    kind = Col("kind", ChoiceWidget(models.DocumentKind), required=True, ko="문서 종류", column_name="kind")
    description = Col("description", required=True, ko="송부 문서", column_name="description")
    document_received_on = Col(
        "document__submission__received_on", DateWidget(), ko="원문서 접수일", column_name="document_received_on"
    )
    document_title = Col("document__title", ko="원문서 제목", column_name="document_title")
    source = Col("source", ko="출처", column_name="source")
    forwarding_note = Col("forwarding__note", ko="송부 비고", column_name="forwarding_note")
    forwarding_source = Col("forwarding__source", ko="송부 출처", column_name="forwarding_source")

    class Meta(NaturalKeyResource.Meta):
        model = models.ForwardingItem
        fields = (
            "forwarded_on",
            "document_number",
            "fiscal_year",
            "kind",
            "description",
            "document_received_on",
            "document_title",
            "source",
            "forwarding_note",
            "forwarding_source",
        )
        import_id_fields = ("forwarded_on", "document_number", "fiscal_year", "kind", "description")

    def get_queryset(self):
        return models.ForwardingItem.objects.select_related("forwarding", "document__submission").order_by(
            "forwarding__forwarded_on", "pk"
        )

    def natural_key(self, obj):
        f = obj.forwarding
        return (f.forwarded_on, f.document_number, obj.fiscal_year, obj.kind, obj.description)

    def prepare(self):
        self._forwardings = {(f.forwarded_on, f.document_number): f for f in models.Forwarding.objects.all()}
        self._documents = {
            (d.submission.received_on, d.fiscal_year, d.kind, d.title): d
            for d in models.Document.objects.select_related("submission")
        }

    def assign(self, instance, values):
        fkey = (values["forwarded_on"], values["document_number"])
        fwd = self._forwardings.get(fkey)
        if fwd is None:
            fwd = models.Forwarding.objects.create(forwarded_on=fkey[0], document_number=fkey[1])
            self._forwardings[fkey] = fwd
        if (fwd.note, fwd.source) != (values["forwarding_note"], values["forwarding_source"]):
            fwd.note, fwd.source = values["forwarding_note"], values["forwarding_source"]
            fwd.save(update_fields=["note", "source"])
        instance.forwarding = fwd
        for name in ("fiscal_year", "kind", "description", "source"):
            setattr(instance, name, values[name])
        received_on, title = values["document_received_on"], values["document_title"]
        if received_on or title:
            if not (received_on and title):
                raise _ref_error(
                    "document_title",
                    _("To link the received document give both its receipt date and its title."),
                )
            key = (received_on, values["fiscal_year"], values["kind"], title)
            doc = self._documents.get(key)
            if doc is None:
                raise _ref_error(
                    "document_title",
                    _("No received document matches %(key)s.") % {"key": _doc_key_text(*key)},
                )
            instance.document = doc
        else:
            # Forwarded, but no receipt on record (the seed's 2024-02-06 FY2024 plan).
            instance.document = None


# --- Committee reports -----------------------------------------------------------------------


class CommitteeReportResource(NaturalKeyResource):
    name = "committee_reports"
    verbose_name = gettext_lazy("Committee reports")
    key = ("reported_on", "committee")

    reported_on = Col("reported_on", DateWidget(), required=True, ko="보고일", column_name="reported_on")
    committee = Col("committee__code", required=True, ko="위원회 코드", column_name="committee")
    session = Col("session__number", IntegerWidget(1), ko="회기 번호", column_name="session")
    documents = Col(
        None,
        ListWidget("\n"),
        ko="보고 문서 (접수일 | 회계연도 | 종류 | 제목)",
        column_name="documents",
        dehydrate_method="dehydrate_documents",
    )
    note = Col("note", ko="비고", column_name="note")
    source = Col("source", ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.CommitteeReport
        fields = ("reported_on", "committee", "session", "documents", "note", "source")
        import_id_fields = ("reported_on", "committee")

    def get_queryset(self):
        return (
            models.CommitteeReport.objects.select_related("committee", "session")
            .prefetch_related("documents__submission")
            .order_by("reported_on", "pk")
        )

    def natural_key(self, obj):
        return (obj.reported_on, obj.committee.code)

    def dehydrate_documents(self, obj):
        docs = getattr(obj, "_pending_m2m", {}).get("documents")
        if docs is None:
            docs = obj.documents.all() if obj.pk else []
        return "\n".join(sorted(_doc_key_text(d.submission.received_on, d.fiscal_year, d.kind, d.title) for d in docs))

    def prepare(self):
        self._committees = {p.code: p for p in models.Party.objects.filter(kind=models.Party.Kind.COMMITTEE)}
        self._sessions = {s.number: s for s in models.CouncilSession.objects.all()}
        self._documents = {
            _doc_key_text(d.submission.received_on, d.fiscal_year, d.kind, d.title): d
            for d in models.Document.objects.select_related("submission")
        }

    def assign(self, instance, values):
        committee = self._committees.get(values["committee"])
        if committee is None:
            raise _ref_error(
                "committee",
                _("Unknown committee code “%(code)s”. Known: %(known)s.")
                % {"code": values["committee"], "known": ", ".join(sorted(self._committees))},
            )
        instance.committee = committee
        instance.reported_on = values["reported_on"]
        instance.session = None
        if values["session"] is not None:
            instance.session = self._sessions.get(values["session"])
            if instance.session is None:
                raise _ref_error("session", _("No council session number %(n)s.") % {"n": values["session"]})
        instance.note, instance.source = values["note"], values["source"]
        docs, missing = [], []
        for line in values["documents"]:
            parts = [p.strip() for p in line.split("|")]
            doc = None
            if len(parts) >= 4:
                try:
                    day = DateWidget().clean(parts[0])
                    doc = self._documents.get(_doc_key_text(day, parts[1], parts[2], "|".join(parts[3:]).strip()))
                except ValueError:
                    doc = None
            if doc is None:
                missing.append(line)
            else:
                docs.append(doc)
        if missing:
            raise _ref_error(
                "documents",
                _("No received document matches: %(lines)s (write: receipt date | fiscal year | kind | title).")
                % {"lines": "; ".join(missing)},
            )
        instance._pending_m2m = {"documents": docs}


# --- Council sessions, holiday overrides -------------------------------------------------------


class CouncilSessionResource(NaturalKeyResource):
    name = "council_sessions"
    verbose_name = gettext_lazy("Council sessions")
    key = ("number",)

    number = Col("number", IntegerWidget(1), required=True, ko="회기", column_name="number")
    kind = Col("kind", ChoiceWidget(models.CouncilSession.Kind), required=True, ko="종류", column_name="kind")
    starts_on = Col("starts_on", DateWidget(), required=True, ko="시작일", column_name="starts_on")
    ends_on = Col("ends_on", DateWidget(), required=True, ko="종료일", column_name="ends_on")
    source = Col("source", ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.CouncilSession
        fields = ("number", "kind", "starts_on", "ends_on", "source")
        import_id_fields = ("number",)

    def get_queryset(self):
        return models.CouncilSession.objects.order_by("starts_on", "number")

    def natural_key(self, obj):
        return (obj.number,)

    def assign(self, instance, values):
        for name in ("number", "kind", "starts_on", "ends_on", "source"):
            setattr(instance, name, values[name])


class HolidayOverrideResource(NaturalKeyResource):
    name = "holiday_overrides"
    verbose_name = gettext_lazy("Holiday overrides")
    key = ("date",)

    date = Col("date", DateWidget(), required=True, ko="날짜", column_name="date")
    kind = Col("kind", ChoiceWidget(models.HolidayOverride.Kind), required=True, ko="구분", column_name="kind")
    name_ko = Col("name_ko", required=True, ko="명칭(국문)", column_name="name_ko")
    name_en = Col("name_en", ko="명칭(영문)", column_name="name_en")
    source = Col("source", ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.HolidayOverride
        fields = ("date", "kind", "name_ko", "name_en", "source")
        import_id_fields = ("date",)

    def natural_key(self, obj):
        return (obj.date,)

    def assign(self, instance, values):
        for name in ("date", "kind", "name_ko", "name_en", "source"):
            setattr(instance, name, values[name])


# --- Funding -------------------------------------------------------------------------------------


class _YearResource(NaturalKeyResource):
    key = ("year",)
    value_columns = ()

    def get_queryset(self):
        return self._meta.model.objects.order_by("year")

    def natural_key(self, obj):
        return (obj.year,)

    def assign(self, instance, values):
        for name in ("year", *self.value_columns, "source"):
            setattr(instance, name, values[name])


def _amount(attribute, ko, required=True):
    return Col(attribute, IntegerWidget(0), required=required, ko=ko, column_name=attribute)


class FundingYearResource(_YearResource):
    name = "funding_years"
    verbose_name = gettext_lazy("Budget and dues per year")
    value_columns = ("total_budget", "seoul_support", "membership_dues", "dues_ratio")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    total_budget = _amount("total_budget", "총예산(천원)")
    seoul_support = _amount("seoul_support", "서울시 국제부담금(천원)")
    membership_dues = _amount("membership_dues", "회비(천원)")
    dues_ratio = Col("dues_ratio", DecimalWidget(1), ko="회비 비율(%)", column_name="dues_ratio")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.FundingYear
        fields = ("year", "total_budget", "seoul_support", "membership_dues", "dues_ratio", "source")
        import_id_fields = ("year",)


class SeoulSupportResource(_YearResource):
    name = "seoul_support"
    verbose_name = gettext_lazy("Seoul support per year")
    value_columns = ("amount", "seconded_staff")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    amount = _amount("amount", "국제부담금(천원)")
    seconded_staff = Col("seconded_staff", ko="파견 인력", column_name="seconded_staff")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.SeoulSupport
        fields = ("year", "amount", "seconded_staff", "source")
        import_id_fields = ("year",)


class DuesCollectionResource(_YearResource):
    name = "dues_collection"
    verbose_name = gettext_lazy("Membership dues collection")
    value_columns = ("targets", "payers", "rate", "amount")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    targets = _amount("targets", "징수 대상(회원)")
    payers = _amount("payers", "납부 회원")
    rate = Col("rate", DecimalWidget(1), required=True, ko="징수율(%)", column_name="rate")
    amount = _amount("amount", "징수액(천원)")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.DuesCollection
        fields = ("year", "targets", "payers", "rate", "amount", "source")
        import_id_fields = ("year",)

    def assign(self, instance, values):
        if values["payers"] > values["targets"]:
            raise _ref_error("payers", _("More members paid than were billed."))
        super().assign(instance, values)


# --- Duty rules (update only) ---------------------------------------------------------------------


def _provision_text(p):
    return REF_SEPARATOR.join([p.instrument.code, p.article, p.paragraph, p.version_label])


class DutyRuleResource(NaturalKeyResource):
    """Duty rules are the law as data: an import may adjust a rule, never invent a duty."""

    name = "duty_rules"
    verbose_name = gettext_lazy("Duty rules")
    key = ("code",)
    allow_create = False

    code = Col("code", required=True, ko="의무 코드", column_name="code")
    name_ko = Col("name_ko", required=True, ko="명칭(국문)", column_name="name_ko")
    name_en = Col("name_en", ko="명칭(영문)", column_name="name_en")
    actor = Col("actor__code", required=True, ko="이행 주체 코드", column_name="actor")
    recipient = Col("recipient__code", required=True, ko="상대방 코드", column_name="recipient")
    document_kinds = Col(
        None, ListWidget(","), ko="문서 종류", column_name="document_kinds", dehydrate_method="dehydrate_document_kinds"
    )
    anchor = Col("anchor", ChoiceWidget(models.DutyRule.Anchor), required=True, ko="기산점", column_name="anchor")
    direction = Col(
        "direction", ChoiceWidget(models.DutyRule.Direction), required=True, ko="계산 방향", column_name="direction"
    )
    offset_months = Col("offset_months", IntegerWidget(-60, 60), ko="개월 수", column_name="offset_months")
    anchor_month = Col("anchor_month", IntegerWidget(1, 12), ko="기준 월", column_name="anchor_month")
    anchor_year_offset = Col(
        "anchor_year_offset", IntegerWidget(-5, 5), ko="회계연도 후 연수", column_name="anchor_year_offset"
    )
    holiday_rule = Col(
        "holiday_rule",
        ChoiceWidget(models.DutyRule.HolidayRule),
        required=True,
        ko="공휴일 규칙",
        column_name="holiday_rule",
    )
    grace_business_days = Col(
        "grace_business_days", IntegerWidget(0, 365), ko="유예 영업일", column_name="grace_business_days"
    )
    provisions = Col(
        None,
        ListWidget("\n"),
        ko="근거 조항 (법규 코드 | 조 | 항 | 판)",
        column_name="provisions",
        dehydrate_method="dehydrate_provisions",
    )
    ordering = Col("ordering", IntegerWidget(0, 32767), ko="순서", column_name="ordering")
    note = Col("note", ko="비고", column_name="note")

    class Meta(NaturalKeyResource.Meta):
        model = models.DutyRule
        fields = (
            "code",
            "name_ko",
            "name_en",
            "actor",
            "recipient",
            "document_kinds",
            "anchor",
            "direction",
            "offset_months",
            "anchor_month",
            "anchor_year_offset",
            "holiday_rule",
            "grace_business_days",
            "provisions",
            "ordering",
            "note",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return models.DutyRule.objects.select_related("actor", "recipient").prefetch_related("provisions__instrument")

    def natural_key(self, obj):
        return (obj.code,)

    def unknown_key_message(self, key):
        return _(
            "Unknown duty code “%(code)s”. Known codes: %(known)s. New duties are added by an administrator, not by import."
        ) % {
            "code": key[0],
            "known": ", ".join(sorted(k[0] for k in self._existing)),
        }

    def dehydrate_document_kinds(self, obj):
        return ",".join(obj.document_kinds or [])

    def dehydrate_provisions(self, obj):
        provs = getattr(obj, "_pending_m2m", {}).get("provisions")
        if provs is None:
            provs = obj.provisions.all() if obj.pk else []
        return "\n".join(sorted(_provision_text(p) for p in provs))

    def prepare(self):
        self._parties = {p.code: p for p in models.Party.objects.all()}
        self._provisions = {_provision_text(p): p for p in models.Provision.objects.select_related("instrument")}

    def assign(self, instance, values):
        errors = {}
        for column in ("actor", "recipient"):
            party = self._parties.get(values[column])
            if party is None:
                errors[column] = [
                    _("Unknown party code “%(code)s”. Known: %(known)s.")
                    % {"code": values[column], "known": ", ".join(sorted(self._parties))}
                ]
            else:
                setattr(instance, column, party)
        bad_kinds = [k for k in values["document_kinds"] if k not in models.DocumentKind.values]
        if bad_kinds:
            errors["document_kinds"] = [
                _("Unknown document kind(s): %(kinds)s. Known: %(known)s.")
                % {"kinds": ", ".join(bad_kinds), "known": ", ".join(models.DocumentKind.values)}
            ]
        provs, missing = [], []
        for line in values["provisions"]:
            text = REF_SEPARATOR.join(part.strip() for part in line.split("|"))
            if text in self._provisions:
                provs.append(self._provisions[text])
            else:
                missing.append(line)
        if missing:
            errors["provisions"] = [
                _("Unknown provision version(s): %(lines)s (write: instrument code | article | paragraph | version).")
                % {"lines": "; ".join(missing)}
            ]
        if errors:
            raise ValidationError(errors)
        for name in ("name_ko", "name_en", "anchor", "direction", "holiday_rule", "note"):
            setattr(instance, name, values[name])
        for name, default in (
            ("offset_months", 0),
            ("anchor_year_offset", 0),
            ("grace_business_days", 10),
            ("ordering", 0),
        ):
            setattr(instance, name, default if values[name] is None else values[name])
        instance.anchor_month = values["anchor_month"]
        instance.document_kinds = values["document_kinds"]
        instance._pending_m2m = {"provisions": provs}


# --- Obligations (export only) -------------------------------------------------------------------


class ObligationResource(resources.Resource):
    """Derived obligations with their status as of a date: exported, never imported."""

    name = "obligations"
    verbose_name = gettext_lazy("Obligations (status as of a date)")
    export_only = True

    key = Col("key", ko="의무 식별자", column_name="key")
    duty = Col("duty", ko="의무 코드", column_name="duty")
    duty_name = Col("rule__name", ko="의무", column_name="duty_name")
    fiscal_year = Col("fiscal_year", IntegerWidget(), ko="회계연도", column_name="fiscal_year")
    due_date = Col("due_date", DateWidget(), ko="기한", column_name="due_date")
    submit_by = Col("deadline__submit_by", DateWidget(), ko="권장 제출일", column_name="submit_by")
    status = Col("status", ko="상태 코드", column_name="status")
    status_label = Col(None, ko="상태", column_name="status_label", dehydrate_method="dehydrate_status_label")
    fulfilled_on = Col("fulfilled_on", DateWidget(), ko="이행일", column_name="fulfilled_on")
    days_late = Col("days_late", IntegerWidget(), ko="지연 일수", column_name="days_late")
    trigger_date = Col("trigger_date", DateWidget(), ko="접수일(기산일)", column_name="trigger_date")
    document = Col("document_kind", ko="문서 종류", column_name="document")
    document_title = Col("document__title", ko="문서 제목", column_name="document_title")
    as_of = Col("as_of", DateWidget(), ko="기준일", column_name="as_of")

    class Meta:
        fields = (
            "key",
            "duty",
            "duty_name",
            "fiscal_year",
            "due_date",
            "submit_by",
            "status",
            "status_label",
            "fulfilled_on",
            "days_late",
            "trigger_date",
            "document",
            "document_title",
            "as_of",
        )

    def __init__(self, as_of=None, **kwargs):
        self.as_of = as_of
        super().__init__(**kwargs)

    def korean_headers(self):
        return {f.column_name: f.ko or f.column_name for f in self.get_export_fields()}

    def dehydrate_status_label(self, obligation):
        return str(obligation.status_label)

    def get_queryset(self):
        from django.utils import timezone

        return obligations_as_of(self.as_of or timezone.localdate(), history=load_history())

    def import_data(self, *args, **kwargs):
        raise ImportFileError(_("Obligations are derived from the records; they cannot be imported."))


# The order matters for a full restore: documents before forwardings and reports.
RESOURCES = {
    r.name: r
    for r in (
        DocumentResource,
        ForwardingResource,
        CommitteeReportResource,
        CouncilSessionResource,
        FundingYearResource,
        SeoulSupportResource,
        DuesCollectionResource,
        DutyRuleResource,
        HolidayOverrideResource,
        ObligationResource,
    )
}
IMPORTABLE = [name for name, r in RESOURCES.items() if not getattr(r, "export_only", False)]

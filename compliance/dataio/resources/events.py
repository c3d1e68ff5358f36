"""Resources of events: received documents, forwardings, committee reports."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import models
from ...display import date_label
from ...labels import duplicate_forwarding_message
from ...rules.kinds import PLAN_KINDS
from .base import (
    ChoiceWidget,
    Col,
    DateWidget,
    IntegerWidget,
    ListWidget,
    NaturalKeyResource,
    TextWidget,
    _doc_key_text,
    _doc_meaning,
    _ref_error,
)
from .facts import (
    app_number_message,
    check_fact_date,
    check_fiscal_year,
    check_forwarded_after_receipt,
    is_app_receipt_number,
    receipt_key,
)

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
        use_bulk = True  # new receipts and documents are written in batches (NaturalKeyResource)

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
            self._submissions[(sub.received_on, receipt_key(sub.receipt_number))] = sub
        self._by_number = {receipt_key(s.receipt_number): s for s in self._submissions.values() if s.receipt_number}

    def assign(self, instance, values):
        today = timezone.localdate()
        received_on = values["received_on"]
        errors = {}
        check_fact_date(errors, "received_on", received_on, today)
        check_fiscal_year(errors, "fiscal_year", values["fiscal_year"], today)
        if self.present("receipt_number"):
            number = values["receipt_number"]
        else:
            # Left out: the receipt keeps its number (a new row joins the receipt of its day).
            number = instance.submission.receipt_number if instance.pk else None
        sub = self._submissions.get((received_on, receipt_key(number)))
        if sub is None and number and receipt_key(number) in self._by_number:
            other = self._by_number[receipt_key(number)]
            errors["receipt_number"] = [
                _("Receipt number %(number)s already belongs to the receipt of %(day)s.")
                % {"number": number, "day": date_label(other.received_on)}
            ]
        elif sub is None and number and is_app_receipt_number(number):
            errors["receipt_number"] = [app_number_message(number)]
        if errors:
            raise ValidationError(errors)
        if sub is None:
            sub = models.Submission(received_on=received_on, receipt_number=number)
            self.defer(sub)  # written before its documents
            self._submissions[(received_on, receipt_key(number))] = sub
            if number:
                self._by_number[receipt_key(number)] = sub
        changed = []
        for column, attr in (("submission_note", "note"), ("submission_source", "source")):
            if self.present(column) and getattr(sub, attr) != values[column]:
                setattr(sub, attr, values[column])
                changed.append(attr)
        if changed and sub.pk is not None:  # a kept new receipt is written with these values
            with transaction.atomic():  # this row's own savepoint (no row savepoint with use_bulk)
                sub.save(update_fields=changed)
        instance.submission = sub
        self.set_present(instance, values, ("fiscal_year", "kind", "title", "source"))
        if self.present("supersedes_received_on", "supersedes_kind", "supersedes_title"):
            parts = [
                values.get("supersedes_received_on"),
                values.get("supersedes_kind"),
                values.get("supersedes_title"),
            ]
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
                        _(
                            "No received document matches %(key)s (the superseded version must be of the same fiscal year)."
                        )
                        % {"key": _doc_meaning(*key)},
                    )
                if older.kind not in PLAN_KINDS or instance.kind not in PLAN_KINDS:
                    raise _ref_error(
                        "supersedes_title", _("A revision can only replace a plan of the same fiscal year.")
                    )
                instance.supersedes = older
            else:
                instance.supersedes = None
        if instance.kind == models.DocumentKind.PLAN_REVISION and instance.supersedes is None:
            raise _ref_error("supersedes_title", _("A revised plan must name the earlier version it replaces."))


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
        self._documents_by_id = {d.pk: d for d in self._documents.values()}
        # (document id, day) -> (item id, document number): a document is forwarded once a day.
        self._forwarded_on_day = {
            (item.document_id, item.forwarding.forwarded_on): (item.pk, item.forwarding.document_number)
            for item in models.ForwardingItem.objects.filter(document__isnull=False).select_related("forwarding")
        }

    def _check_once_a_day(self, instance, day):
        """A second forwarding of the same document on the same day (in the records or earlier
        in the file) is refused, with the form's and the service's message."""
        if instance.document_id is None:
            return
        me = instance.pk or id(instance)  # a row not saved yet is itself
        seen = self._forwarded_on_day.get((instance.document_id, day))
        if seen is not None and seen[0] != me:
            document = self._documents_by_id[instance.document_id]
            raise _ref_error("document_title", duplicate_forwarding_message(document.title, day, seen[1]))
        self._forwarded_on_day[(instance.document_id, day)] = (me, instance.forwarding.document_number)

    def assign(self, instance, values):
        today = timezone.localdate()
        errors = {}
        check_fact_date(errors, "forwarded_on", values["forwarded_on"], today)
        if "fiscal_year" in values:
            check_fiscal_year(errors, "fiscal_year", values["fiscal_year"], today)
        if errors:
            raise ValidationError(errors)
        fkey = (values["forwarded_on"], values["document_number"])
        fwd = self._forwardings.get(fkey)
        if fwd is None:
            fwd = models.Forwarding.objects.create(forwarded_on=fkey[0], document_number=fkey[1])
            self._forwardings[fkey] = fwd
        changed = []
        for column, attr in (("forwarding_note", "note"), ("forwarding_source", "source")):
            if self.present(column) and getattr(fwd, attr) != values[column]:
                setattr(fwd, attr, values[column])
                changed.append(attr)
        if changed:
            fwd.save(update_fields=changed)
        instance.forwarding = fwd
        self.set_present(instance, values, ("fiscal_year", "kind", "description", "source"))
        if self.present("document_received_on", "document_title"):
            received_on, title = values.get("document_received_on"), values.get("document_title")
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
                        _("No received document matches %(key)s.") % {"key": _doc_meaning(*key)},
                    )
                instance.document = doc
            else:
                # Forwarded, but no receipt on record (the seed's 2024-02-06 FY2024 plan).
                instance.document = None
        document = self._documents_by_id.get(instance.document_id)
        if document is not None:
            check_forwarded_after_receipt(errors, "forwarded_on", values["forwarded_on"], document)
            if errors:
                raise ValidationError(errors)
        self._check_once_a_day(instance, values["forwarded_on"])


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

    def cell_text(self, name, value):
        """A committee by its name, not its code."""
        committee = getattr(self, "_committees", {}).get(value) if name == "committee" else None
        return committee.name if committee is not None else super().cell_text(name, value)

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
        errors = {}
        check_fact_date(errors, "reported_on", values["reported_on"], timezone.localdate())
        if errors:
            raise ValidationError(errors)
        instance.committee = committee
        instance.reported_on = values["reported_on"]
        if self.present("session"):
            instance.session = None
            if values["session"] is not None:
                instance.session = self._sessions.get(values["session"])
                if instance.session is None:
                    raise _ref_error("session", _("No council session number %(n)s.") % {"n": values["session"]})
        self.set_present(instance, values, ("note", "source"))
        if not self.present("documents"):
            return
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

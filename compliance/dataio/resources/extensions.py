"""Resource of agreed extensions: one row per grant, keyed by (obligation, granted on, agreed date).

An imported row passes the same checks as the form (`compliance.extensions`): a refused
row names the file's column. The optional document is named by its receipt date and
title; who recorded it is the importer (the audit trail says so), never a file column.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import models
from ...display import date_label
from ...extensions import duty_facts, no_such_obligation, problems_for, refusals
from .base import Col, DateWidget, NaturalKeyResource, _ref_error


class ExtensionResource(NaturalKeyResource):
    name = "extensions"
    verbose_name = gettext_lazy("Agreed extensions")
    key = ("obligation", "granted_on", "extended_to")

    obligation = Col("obligation_key", required=True, ko="의무 키", column_name="obligation")
    granted_on = Col("granted_on", DateWidget(), required=True, ko="합의일", column_name="granted_on")
    extended_to = Col("extended_to", DateWidget(), required=True, ko="합의 연장 기한", column_name="extended_to")
    basis = Col("basis", required=True, ko="근거", column_name="basis")
    granted_by = Col("granted_by", required=True, ko="합의한 자", column_name="granted_by")
    document_received_on = Col(
        "document__submission__received_on", DateWidget(), ko="관련 문서 접수일", column_name="document_received_on"
    )
    document_title = Col("document__title", ko="관련 문서 제목", column_name="document_title")
    withdrawn_on = Col("withdrawn_on", DateWidget(), ko="철회일", column_name="withdrawn_on")
    withdrawal_reason = Col("withdrawal_reason", ko="철회 사유", column_name="withdrawal_reason")

    class Meta(NaturalKeyResource.Meta):
        model = models.Extension
        fields = (
            "obligation",
            "granted_on",
            "extended_to",
            "basis",
            "granted_by",
            "document_received_on",
            "document_title",
            "withdrawn_on",
            "withdrawal_reason",
        )
        import_id_fields = ("obligation", "granted_on", "extended_to")

    def get_queryset(self):
        return models.Extension.objects.select_related("document__submission").order_by(
            "obligation_key", "granted_on", "pk"
        )

    def natural_key(self, obj):
        return (obj.obligation_key, obj.granted_on, obj.extended_to)

    def prepare(self):
        self._today = timezone.localdate()
        self._documents = {}
        for doc in models.Document.objects.select_related("submission"):
            self._documents.setdefault((doc.submission.received_on, doc.title), []).append(doc)

    def assign(self, instance, values):
        key, today = values["obligation"], self._today
        errors = {}
        if instance.pk is None:
            # A new grant is checked against the duty as of today; a stored one keeps the
            # checks it passed when recorded (its duty may have been fulfilled since).
            facts = duty_facts(key, today)
            if facts is None:
                raise _ref_error("obligation", no_such_obligation(key))
            problems = problems_for(
                facts, extended_to=values["extended_to"], granted_on=values["granted_on"], today=today
            )
            columns = {"obligation_key": "obligation", "extended_to": "extended_to", "granted_on": "granted_on"}
            errors.update(refusals(problems, facts, today, fields=columns))
            instance.recorded_on = today
        withdrawn_on = values.get("withdrawn_on") if self.present("withdrawn_on") else instance.withdrawn_on
        if withdrawn_on is not None and withdrawn_on > today:
            errors.setdefault("withdrawn_on", []).append(
                _("The date cannot be in the future (today is %(today)s in Seoul).") % {"today": date_label(today)}
            )
        if errors:
            raise ValidationError(errors)
        instance.obligation_key = key
        self.set_present(
            instance, values, ("granted_on", "extended_to", "basis", "granted_by", "withdrawn_on", "withdrawal_reason")
        )
        if self.present("document_received_on", "document_title"):
            received_on, title = values.get("document_received_on"), values.get("document_title")
            if not (received_on or title):
                instance.document = None
            elif not (received_on and title):
                raise _ref_error(
                    "document_title", _("To link the received document give both its receipt date and its title.")
                )
            else:
                found = self._documents.get((received_on, title), [])
                if not found:
                    raise _ref_error(
                        "document_title",
                        _("No received document matches %(key)s.") % {"key": f"{received_on.isoformat()} | {title}"},
                    )
                instance.document = found[0]

"""What happened: receipts, forwardings, committee reports, reasons, evaluations, inspections.

Only events are stored; obligations and their status are derived by `compliance.rules`
through `compliance.register`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..display import date_label
from .law import DocumentKind
from .parties import CouncilSession, Party


class Submission(models.Model):
    """One receipt by the city: one or several documents that arrived together."""

    # Indexed: the inbox and the lists show the newest receipts first, a page at a time;
    # without it every page sorts every document ever received.
    received_on = models.DateField(_("received on"), db_index=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.receipt_number or self.pk} ({date_label(self.received_on)})"


class ReceiptCounter(models.Model):
    """The last receipt number handed out in a year (``WEGO-YYYY-NNNN``).

    It only goes up, so a deleted receipt's number is never handed out again, and a
    number already taken (an imported receipt) is skipped: see
    `compliance.services.submissions.next_receipt_number`. Written with one atomic
    upsert, never read-then-write, and never counted from the receipts themselves.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number handed out"), default=0)

    class Meta:
        verbose_name = _("receipt counter")
        verbose_name_plural = _("receipt counters")

    def __str__(self):
        return f"WEGO-{self.year}-{self.last:04d}"


class Document(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    title = models.CharField(_("title"), max_length=300)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["submission__received_on", "pk"]
        # The register's refresh finds the first document of a fiscal year and kind (what
        # fulfils the year's duty) and a trail lists them, without reading other years.
        indexes = [models.Index(fields=["fiscal_year", "kind"], name="document_fy_kind")]

    def __str__(self):
        return self.title


class Forwarding(models.Model):
    """The Mayor (Digital Policy Officer) sends documents to the Council (17⑤)."""

    forwarded_on = models.DateField(_("forwarded on"))
    document_number = models.CharField(_("official document number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("forwarding to the Council")
        verbose_name_plural = _("forwardings to the Council")
        ordering = ["forwarded_on", "pk"]

    def __str__(self):
        return f"{date_label(self.forwarded_on)} {self.document_number}".strip()


class ForwardingItem(models.Model):
    """One document in a forwarding.

    `document` is empty when the record names something the receipt records do not
    hold (the seed's 2024-02-06 forwarding of the FY2024 plan is such a case); such an
    item is shown but fulfils no duty.
    """

    forwarding = models.ForeignKey(Forwarding, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="forwarding_items"
    )
    description = models.CharField(_("description"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("forwarded document")
        verbose_name_plural = _("forwarded documents")
        ordering = ["forwarding__forwarded_on", "pk"]

    def __str__(self):
        return self.description


class CommitteeReport(models.Model):
    """The Mayor reports forwarded documents to the competent committee (amended 17⑤)."""

    committee = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="reports")
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, null=True, blank=True)
    reported_on = models.DateField(_("reported on"))
    documents = models.ManyToManyField(Document, related_name="committee_reports")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{date_label(self.reported_on)} {self.committee}"


class DelayReason(models.Model):
    """Why a "without delay" duty took longer than its grace period."""

    obligation_key = models.CharField(_("obligation"), max_length=120, db_index=True)
    reason = models.TextField(_("reason"))
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delay reason")
        verbose_name_plural = _("delay reasons")
        ordering = ["obligation_key", "created_at"]

    def __str__(self):
        return f"{self.obligation_key}: {self.reason[:40]}"


class Evaluation(models.Model):
    """The Mayor's performance evaluation of results and settlement (17④)."""

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        IMPROVEMENT = "improvement", _("Improvement required")
        UNSATISFACTORY = "unsatisfactory", _("Unsatisfactory")

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    evaluated_on = models.DateField(_("evaluated on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    summary = models.TextField(_("summary"))
    measures = models.TextField(_("measures (e.g. suspending support)"), blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="evaluations")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("performance evaluation")
        verbose_name_plural = _("performance evaluations")
        ordering = ["fiscal_year", "evaluated_on"]

    def __str__(self):
        return f"{gettext('FY %(fy)s') % {'fy': self.fiscal_year}} {self.get_outcome_display()}"


class InspectionRequest(models.Model):
    """An inspection of the secretariat or a request for a report (17②)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        REPORT = "report", _("Request for a report")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    requested_on = models.DateField(_("requested on"))
    subject = models.TextField(_("subject"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("inspection or report request")
        verbose_name_plural = _("inspections and report requests")
        ordering = ["requested_on"]

    def __str__(self):
        return f"{date_label(self.requested_on)} {self.get_kind_display()}"

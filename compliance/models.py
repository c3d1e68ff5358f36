"""What happened, and the law as data.

Only events are stored (documents received, forwardings, reports, reasons). Obligations
and their status are derived from duty rules and these events by
`compliance.obligations`; nothing here stores a status.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin:
    """`name` in the active language, falling back to Korean."""

    @property
    def name(self):
        if (get_language() or "ko").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name_ko


# --- The law ------------------------------------------------------------------------


class LegalInstrument(BilingualNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")

    def __str__(self):
        return self.name_ko


class Provision(models.Model):
    """One version of one article/paragraph.

    A version with `is_proposed` and no `effective_from` is a bill (e.g. the 2024
    amendment of 17⑤): never in force until an administrator sets its effective date.
    A version with no `effective_from` that is not proposed is the text in force since
    before tracking began. On a given day the version in force is the latest one whose
    effective date has come.
    """

    instrument = models.ForeignKey(LegalInstrument, on_delete=models.PROTECT, related_name="provisions")
    article = models.CharField(_("article"), max_length=16)
    paragraph = models.CharField(_("paragraph"), max_length=16, blank=True)
    version_label = models.CharField(_("version"), max_length=64)
    text_ko = models.TextField(_("text (Korean)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    is_proposed = models.BooleanField(_("proposed (not enacted)"), default=False)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("provision version")
        verbose_name_plural = _("provision versions")
        ordering = ["instrument", "article", "paragraph", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "article", "paragraph", "version_label"], name="unique_provision_version"
            )
        ]

    def __str__(self):
        para = f"({self.paragraph})" if self.paragraph else ""
        return f"제{self.article}조{para} [{self.version_label}]"

    @property
    def text(self):
        if (get_language() or "ko").startswith("en") and self.text_en:
            return self.text_en
        return self.text_ko

    @property
    def citation(self):
        circled = "①②③④⑤⑥⑦⑧⑨⑩"
        para = ""
        if self.paragraph.isdigit() and 1 <= int(self.paragraph) <= 10:
            para = circled[int(self.paragraph) - 1]
        return f"제{self.article}조{para}"

    def clean(self):
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date is before the start date.")})

    def starts_on(self, what_if=False, what_if_from=None):
        """First day in force, `datetime.date.min` for the base text, None if never."""
        if self.effective_from:
            return self.effective_from
        if self.is_proposed:
            return (what_if_from or datetime.date.min) if what_if else None
        return datetime.date.min

    def is_in_force(self, day, siblings, what_if=False, what_if_from=None):
        start = self.starts_on(what_if, what_if_from)
        if start is None or start > day:
            return False
        if self.effective_to and day > self.effective_to:
            return False
        for other in siblings:
            if other.pk == self.pk or (other.instrument_id, other.article, other.paragraph) != (
                self.instrument_id,
                self.article,
                self.paragraph,
            ):
                continue
            other_start = other.starts_on(what_if, what_if_from)
            # A later version that has started supersedes this one; between two versions
            # starting on the same day, the proposed one wins (it is the what-if).
            if other_start is not None and other_start <= day:
                if other_start > start or (other_start == start and other.is_proposed and not self.is_proposed):
                    return False
        return True


# --- Parties and the council calendar ------------------------------------------------


class Party(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("WeGO secretariat")
        CITY = "city", _("Seoul Metropolitan Government")
        COUNCIL = "council", _("Seoul Metropolitan Council")
        COMMITTEE = "committee", _("Standing committee")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Committees change names and remits: the competent committee on a day is the one
    # whose period covers it.
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_competent_committee = models.BooleanField(_("competent committee for Article 17"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name_ko


class CouncilSession(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular session (정례회)")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session (임시회)")

    number = models.PositiveIntegerField(_("session number"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="session_ends_after_start")
        ]

    def __str__(self):
        return f"제{self.number}회 {self.get_kind_display()} ({self.starts_on:%Y-%m-%d}~{self.ends_on:%Y-%m-%d})"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A session cannot end before it starts.")})


class HolidayOverride(models.Model):
    """A correction to the `holidays` package's Korean calendar.

    E.g. a temporary public holiday announced after the pinned release (관공서의 공휴일에
    관한 규정 제2조 제11호), or a day the package lists in error.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("Add a public holiday")
        REMOVE = "remove", _("Remove a listed holiday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ADD)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name_ko} ({self.get_kind_display()})"


# --- Duties as data -----------------------------------------------------------------


class DocumentKind(models.TextChoices):
    PLAN_DRAFT = "plan_draft", _("Business plan (draft)")
    PLAN_FINAL = "plan_final", _("Business plan (final)")
    PLAN_REVISION = "plan_revision", _("Business plan (revised resubmission)")
    RESULTS = "results", _("Business results")
    SETTLEMENT = "settlement", _("Settlement statement")
    OTHER = "other", _("Other")


class DutyRule(BilingualNameMixin, models.Model):
    """One duty of Article 17 as data; `compliance.deadlines` turns it into dates."""

    class Anchor(models.TextChoices):
        FISCAL_YEAR_START = "fiscal_year_start", _("Start of the fiscal year (counted back)")
        MONTH_END = "month_end", _("End of a month after the fiscal year (fixed date)")
        RECEIPT = "receipt", _("Receipt of a document (without delay)")
        FORWARDING = "forwarding", _("Forwarding to the Council (next committee session)")

    class Direction(models.TextChoices):
        BACKWARD = "backward", _("Counted back from the anchor")
        FORWARD = "forward", _("Counted forward from the anchor")

    class HolidayRule(models.TextChoices):
        NO_ROLL = "no_roll", _("Does not move (advisory: previous business day)")
        ROLL_FORWARD = "roll_forward", _("Moves to the next business day")
        BUSINESS_DAYS = "business_days", _("Counted in business days")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    actor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="duties", verbose_name=_("actor"))
    recipient = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="duties_received", verbose_name=_("recipient")
    )
    document_kinds = models.JSONField(_("document kinds"), default=list)
    anchor = models.CharField(_("anchor"), max_length=24, choices=Anchor.choices)
    direction = models.CharField(_("counting direction"), max_length=16, choices=Direction.choices)
    offset_months = models.IntegerField(_("offset in months"), default=0)
    anchor_month = models.PositiveSmallIntegerField(_("month of the fixed date"), null=True, blank=True)
    anchor_year_offset = models.SmallIntegerField(_("years after the fiscal year"), default=0)
    holiday_rule = models.CharField(_("weekend and holiday rule"), max_length=16, choices=HolidayRule.choices)
    grace_business_days = models.PositiveSmallIntegerField(_("grace in business days"), default=10)
    provisions = models.ManyToManyField(Provision, related_name="duty_rules", verbose_name=_("provision versions"))
    ordering = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.code

    def clean(self):
        errors = {}
        for kind in self.document_kinds or []:
            if kind not in DocumentKind.values:
                errors["document_kinds"] = _("Unknown document kind: %(kind)s") % {"kind": kind}
        if self.anchor == self.Anchor.MONTH_END and not (self.anchor_month and 1 <= self.anchor_month <= 12):
            errors["anchor_month"] = _("A fixed month-end deadline needs a month between 1 and 12.")
        if self.anchor == self.Anchor.FISCAL_YEAR_START and self.direction != self.Direction.BACKWARD:
            errors["direction"] = _("A deadline before the fiscal year starts is counted back.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_event_driven(self):
        return self.anchor in {self.Anchor.RECEIPT, self.Anchor.FORWARDING}


# --- Events --------------------------------------------------------------------------


class Submission(models.Model):
    """One receipt by the city: one or several documents that arrived together."""

    received_on = models.DateField(_("received on"))
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
        return f"{self.receipt_number or self.pk} ({self.received_on:%Y-%m-%d})"


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
        return f"{self.forwarded_on:%Y-%m-%d} {self.document_number}".strip()


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
        return f"{self.reported_on:%Y-%m-%d} {self.committee}"


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
        return f"FY{self.fiscal_year} {self.get_outcome_display()}"


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
        return f"{self.requested_on:%Y-%m-%d} {self.get_kind_display()}"


# --- Funding (the figures the Council's review report discusses) ---------------------


class FundingYear(models.Model):
    """WeGO budget, Seoul's support (국제부담금) and membership dues, in thousand won."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total_budget = models.BigIntegerField(_("total budget (thousand won)"))
    seoul_support = models.BigIntegerField(_("Seoul support (thousand won)"))
    membership_dues = models.BigIntegerField(_("membership dues (thousand won)"))
    dues_ratio = models.DecimalField(
        _("dues ratio (%) as stated"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("budget and dues")
        verbose_name_plural = _("budget and dues")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class SeoulSupport(models.Model):
    """Seoul's international contribution and seconded staff per year (붙임3)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = models.BigIntegerField(_("amount (thousand won)"))
    seconded_staff = models.CharField(_("seconded staff"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("Seoul support")
        verbose_name_plural = _("Seoul support")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class DuesCollection(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    targets = models.PositiveIntegerField(_("members billed"))
    payers = models.PositiveIntegerField(_("members who paid"))
    rate = models.DecimalField(_("collection rate (%) as stated"), max_digits=5, decimal_places=1)
    amount = models.BigIntegerField(_("amount collected (thousand won)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("dues collection")
        verbose_name_plural = _("dues collection")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class DocumentFile(models.Model):
    """A file of a received document, stored privately under its content hash.

    Served only through the permission-checked download view; see `compliance.storage`.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type (sniffed)"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ["document", "pk"]

    def __str__(self):
        return self.original_name

    def open(self):
        from .storage import open_blob

        return open_blob(self.sha256)


# --- Workflow: submissions and the audit trail ----------------------------------------


class FormToken(models.Model):
    """A one-time token carried by a write form, so a double submit makes one record.

    The row is inserted in the same transaction as the record it produced; a second
    POST with the same token finds it and is shown that record instead.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=32)
    result_pk = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")

    def __str__(self):
        return f"{self.purpose}:{self.token[:8]}"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")

    def touching(self, refs):
        """Entries whose `refs` name any of `refs` (tokens like ``doc:12``)."""
        query = Q()
        for ref in refs:
            query |= Q(refs__contains=f" {ref} ")
        return self.filter(query) if query else self.none()


class AuditEntry(models.Model):
    """One recorded create/change/delete, chained by hash to the entry before it.

    `entry_hash` is the SHA-256 of this entry's canonical content plus `prev_hash`;
    `seq` has no gaps. Editing or deleting a row therefore breaks the chain, which
    `manage.py verify_audit` reports. Written only by `compliance.audit.record`.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=64)
    object_pk = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("what changed"), default=dict)
    # Space-delimited tokens (" doc:12 fy:2023 ") that tie the entry to obligations;
    # plain text so the timeline query works on SQLite and PostgreSQL alike.
    refs = models.TextField(_("references"), blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.model} {self.object_pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")
# --- Packets ---------------------------------------------------------------------------


class PacketBuild(models.Model):
    """One generated council submission packet (a PDF kept as a private blob).

    Versioned per set of parameters (`params_key`): building the same packet again makes
    version 2, 3, ... and keeps the earlier files. `state`/`progress` describe the build
    job, not an obligation; the PDF itself is content-addressed under `sha256`.
    """

    class Scope(models.TextChoices):
        PLAN = "plan", _("Fiscal year: business plan")
        RESULTS = "results", _("Fiscal year: results and settlement")
        RANGE = "range", _("Everything forwarded in a date range")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ko")
    as_of = models.DateField(_("as of"))
    params_key = models.CharField(_("parameters"), max_length=120, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="packet_builds"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    manifest_hash = models.CharField(_("manifest hash"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("packet build")
        verbose_name_plural = _("packet builds")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["params_key", "version"], name="unique_packet_version")]

    def __str__(self):
        return f"{self.params_key} v{self.version}"

    def get_absolute_url(self):
        return reverse("packet_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def filename(self):
        return f"wego-art17-{self.params_key}-v{self.version}.pdf"


# --- Alerts ----------------------------------------------------------------------------
# Stages are data; what was sent is one row per (obligation, stage, recipient, occurrence).
# `compliance.alerts` decides what is due; `compliance.tasks` sends it.


class AlertStage(models.Model):
    """When, relative to a due date, whom to tell.

    Rows with no duty rule are the defaults; a duty rule with stages of its own uses only
    those. A repeating stage (the weekly digest) recurs every `repeat_every_days` from its
    offset while the obligation is overdue and no delay reason is recorded.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder (before or on the due date)")
        ESCALATION = "escalation", _("Escalation (after the due date)")
        DIGEST = "digest", _("Digest while overdue (repeating)")

    duty_rule = models.ForeignKey(
        DutyRule,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_stages",
        verbose_name=_("duty rule"),
        help_text=_("Empty: a default stage for every duty rule without stages of its own."),
    )
    code = models.SlugField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    offset_days = models.IntegerField(
        _("days relative to the due date"),
        help_text=_("Negative: before the due date; 0: the due date; positive: after."),
    )
    repeat_every_days = models.PositiveSmallIntegerField(_("repeat every (days)"), null=True, blank=True)
    notify_responsible = models.BooleanField(_("the responsible party"), default=True)
    notify_dpo = models.BooleanField(_("the Digital Policy Officer"), default=False)
    notify_council_staff = models.BooleanField(_("council staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert stage")
        verbose_name_plural = _("alert stages")
        ordering = ["duty_rule__ordering", "offset_days", "code"]
        constraints = [
            models.UniqueConstraint(fields=["duty_rule", "code"], name="unique_alert_stage_per_rule"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(duty_rule__isnull=True), name="unique_default_alert_stage"
            ),
        ]

    def __str__(self):
        scope = self.duty_rule.code if self.duty_rule_id else _("default")
        return f"{scope}: {self.code} ({self.offset_days:+d})"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.REMINDER and self.offset_days > 0:
            errors["offset_days"] = _("A reminder comes on or before the due date (0 or negative).")
        if self.kind in (self.Kind.ESCALATION, self.Kind.DIGEST) and self.offset_days <= 0:
            errors["offset_days"] = _("An escalation or digest comes after the due date (positive).")
        if self.kind == self.Kind.DIGEST and not self.repeat_every_days:
            errors["repeat_every_days"] = _("A digest stage repeats: give the number of days.")
        if self.kind != self.Kind.DIGEST and self.repeat_every_days:
            errors["repeat_every_days"] = _("Only a digest stage repeats.")
        if not (self.notify_responsible or self.notify_dpo or self.notify_council_staff):
            errors["notify_responsible"] = _("Choose at least one recipient.")
        if errors:
            raise ValidationError(errors)


class AlertDeliveryQuerySet(models.QuerySet):
    def sendable(self, now):
        """Unsent e-mails whose time has come: the scan re-enqueues these (nothing is dropped).

        A row left "sending" for 15 minutes belongs to a worker that died mid-send.
        """
        stuck = now - datetime.timedelta(minutes=AlertDelivery.STUCK_MINUTES)
        return self.filter(
            Q(status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED], next_attempt_at__lte=now)
            | Q(status=AlertDelivery.Status.SENDING, claimed_at__lt=stuck)
        )


class AlertDelivery(models.Model):
    """The record of one alert for one recipient; its uniqueness makes the scan idempotent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed; will be retried")
        CANCELLED = "cancelled", _("Cancelled (fulfilled or reason recorded before sending)")
        IN_APP = "in_app", _("In-app only (no e-mail address)")

    obligation_key = models.CharField(_("obligation"), max_length=120)
    stage = models.ForeignKey(AlertStage, on_delete=models.PROTECT, related_name="deliveries")
    occurrence = models.PositiveIntegerField(_("occurrence"), default=0)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_deliveries")
    # Digest deliveries go out together in one e-mail per recipient (compliance.tasks.send_digest).
    via_digest = models.BooleanField(_("in a digest e-mail"), default=False)
    due_date = models.DateField(_("due date"))
    alert_date = models.DateField(_("alert date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Read by `AlertDeliveryQuerySet.sendable()` in the daily scan (compliance.alerts.do_scan).
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AlertDeliveryQuerySet.as_manager()

    STUCK_MINUTES = 15

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation_key", "stage", "recipient", "occurrence"], name="unique_alert_delivery"
            )
        ]

    def __str__(self):
        return f"{self.obligation_key} / {self.stage.code} → {self.recipient}"


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    delivery = models.OneToOneField(
        AlertDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    obligation_key = models.CharField(_("obligation"), max_length=120, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title_ko

    @property
    def title(self):
        return self.title_en if (get_language() or "ko").startswith("en") else self.title_ko


class AlertPreference(models.Model):
    """How a user wants alerts: e-mail per alert or one daily digest, in which language."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("One e-mail per alert")
        DIGEST = "digest", _("One daily digest e-mail")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference")
    mode = models.CharField(_("e-mail"), max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ko")
    # The secret of the personal calendar feed; empty = no feed (revoked or never made).
    ical_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self):
        return str(self.user)


class AlertScan(models.Model):
    """One run of the daily scan; the health endpoint reports the last successful one."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("alerts created"), default=0)
    enqueued = models.PositiveIntegerField(_("e-mails enqueued"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("alert scan")
        verbose_name_plural = _("alert scans")
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.as_of} {self.started_at:%Y-%m-%d %H:%M}"

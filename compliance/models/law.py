"""The law as data: instruments, versioned provisions and the duty rules of Article 17."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..rules.deadlines import rule_problems
from .base import BilingualNameMixin
from .parties import Party


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

    class DutiesAriseOn(models.TextChoices):
        RECEIPT = "receipt", _("Receipt of the document (default)")
        FORWARDING = "forwarding", _("Forwarding of the document")

    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    # E.g. 부칙 "이 조례 시행 후 최초로 제출받는 것부터 적용한다": the receipt decides.
    duties_arise_on = models.CharField(
        _("duties arise from this version for documents, by their"),
        max_length=16,
        choices=DutiesAriseOn.choices,
        default=DutiesAriseOn.RECEIPT,
    )

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
        FORWARDING = "forwarding", _("Forwarding to the Council (next committee session: the app's reading)")

    class Direction(models.TextChoices):
        BACKWARD = "backward", _("Counted back from the anchor")
        FORWARD = "forward", _("Counted forward from the anchor")

    class HolidayRule(models.TextChoices):
        NO_ROLL = "no_roll", _("Does not move (advisory: previous business day)")
        ROLL_FORWARD = "roll_forward", _("Moves to the next business day")
        BUSINESS_DAYS = "business_days", _("Counted in business days")

    class ReportTiming(models.TextChoices):
        # For duties anchored on a forwarding (the committee report): whatever form the
        # amendment passes in can be entered without code.
        NEXT_SESSION = (
            "next_session",
            _("By the end of the committee's next session (the app's reading: the bill sets no time)"),
        )
        FIXED_DATE = "fixed_date", _("By a fixed date each year")
        BUSINESS_DAYS = "business_days", _("Within the grace in business days")

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
    report_timing = models.CharField(
        _("timing of the report"), max_length=16, choices=ReportTiming.choices, default=ReportTiming.NEXT_SESSION
    )
    report_month = models.PositiveSmallIntegerField(_("month of the yearly report date"), null=True, blank=True)
    report_day = models.PositiveSmallIntegerField(_("day of the yearly report date"), null=True, blank=True)
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
        messages = {
            "anchor": _("Unknown anchor."),
            "direction": _(
                "This anchor is not counted in that direction: a deadline before the fiscal year "
                "starts is counted back, every other one forward."
            ),
            "holiday_rule": _(
                "This weekend and holiday rule does not fit the anchor: a deadline counted back does "
                "not move, a fixed month-end date moves to the next business day or does not move, "
                "'without delay' is counted in business days."
            ),
            "offset_negative": _(
                "A deadline counted back needs a negative offset (N months before); with a "
                "positive one its derivation would still say 'N months before'."
            ),
            "offset_zero": _("This anchor takes no offset in months."),
        }
        if self.report_timing == self.ReportTiming.FIXED_DATE:
            try:
                datetime.date(2024, self.report_month or 0, self.report_day or 0)
            except (TypeError, ValueError):
                errors["report_day"] = _("A yearly report date needs a real month and day.")
        elif self.report_month or self.report_day:
            errors["report_day"] = _("Leave the yearly report date empty unless the report is due on a fixed date.")
        if self.report_timing != self.ReportTiming.NEXT_SESSION and self.anchor != self.Anchor.FORWARDING:
            errors["report_timing"] = _("The timing of a report applies only to a duty counted from a forwarding.")
        for name, code in rule_problems(self.anchor, self.direction, self.offset_months, self.holiday_rule).items():
            errors.setdefault(name, messages[code])
        if errors:
            raise ValidationError(errors)

    @property
    def is_event_driven(self):
        return self.anchor in {self.Anchor.RECEIPT, self.Anchor.FORWARDING}

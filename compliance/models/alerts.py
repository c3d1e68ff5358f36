"""Alerts: stages are data; what was sent is one row per (obligation, stage, recipient,
occurrence). `compliance.rules.alerts` decides what is due; `compliance.services.alerts` sends it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .law import DutyRule


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
    # Where the alert leads when it is about no obligation (a review outcome, a forwarding):
    # a path in this site, e.g. /documents/12/review/.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The inbox: a recipient's newest first, a page at a time without sorting them all.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

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
    """One attempt at the daily scan, recorded before it works: a failed one keeps its
    error, a killed one never finishes. The health endpoint reports the last successful
    one and whether the scheduled one was missed."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("alerts created"), default=0)
    to_send = models.PositiveIntegerField(_("e-mails to send"), default=0)
    # Only what the broker really took: 0 while it is down (the rows stay unsent).
    enqueued = models.PositiveIntegerField(_("e-mails enqueued"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("alert scan")
        verbose_name_plural = _("alert scans")
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.as_of} {self.started_at:%Y-%m-%d %H:%M}"

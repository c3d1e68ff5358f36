"""E-mails recorded with the act that causes them and sent by the worker, never inside a
request: a receipt's e-mails are rows written in the receipt's transaction."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .events import Submission


class ReceiptEmailQuerySet(models.QuerySet):
    def sendable(self, now):
        """Unsent e-mails whose time has come (the worker's sweep queues these again).

        A row left "sending" for `ReceiptEmail.STUCK_MINUTES` belongs to a worker that
        died mid-send.
        """
        stuck = now - datetime.timedelta(minutes=ReceiptEmail.STUCK_MINUTES)
        return self.filter(
            Q(status__in=[ReceiptEmail.Status.PENDING, ReceiptEmail.Status.FAILED], next_attempt_at__lte=now)
            | Q(status=ReceiptEmail.Status.SENDING, claimed_at__lt=stuck)
        )


class ReceiptEmail(models.Model):
    """The receipt e-mail of one submission to one address, and what became of it.

    Created with the receipt; sent and retried with back-off by the worker
    (`compliance.services.receipts`). An SMTP outage or a hung server delays it; it
    never undoes or delays the receipt itself.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed; will be retried")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="receipt_emails")
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ko")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Read by `ReceiptEmailQuerySet.sendable()` (the worker's sweep, every few minutes).
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReceiptEmailQuerySet.as_manager()

    # Longer than any send can take with EMAIL_TIMEOUT set.
    STUCK_MINUTES = 15

    class Meta:
        verbose_name = _("receipt e-mail")
        verbose_name_plural = _("receipt e-mails")
        ordering = ["submission", "pk"]
        constraints = [models.UniqueConstraint(fields=["submission", "to"], name="unique_receipt_email")]

    def __str__(self):
        return f"{self.submission} → {self.to}"

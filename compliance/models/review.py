"""The city's review of received documents, and the read log of forwarded files.

A review outcome (검토 완료 / 보완 요청 / 반려) and a comment are information next to the
statutory record: nothing here changes an obligation's status (the first receipt fulfils
the duty; see `compliance.rules`). Both are immutable once written: a correction is a
new comment. The thread of a document is the thread of its whole lineage (draft →
revision → final, linked by `Document.supersedes`).

The read log (`ReadLogEntry`) records who downloaded which file or packet. It is kept
apart from the hash-chained audit trail: see its docstring.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..display import format_datetime

# A comment or an outcome's text longer than this is refused, never cut.
MAX_REVIEW_TEXT = 10_000


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are never changed; add a new one.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are never deleted.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are never changed; add a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are never deleted.")


class ReviewOutcome(ImmutableModel):
    """The Digital Policy Officer's outcome of reviewing one received version."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Review complete")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        RETURNED = "returned", _("Returned")

    document = models.ForeignKey(
        "compliance.Document", on_delete=models.PROTECT, related_name="review_outcomes", verbose_name=_("document")
    )
    decision = models.CharField(_("review outcome"), max_length=24, choices=Decision.choices)
    message = models.TextField(_("what must change, or why"), blank=True)
    # An internal target set by the city, never a legal deadline (Article 17 sets none).
    target_date = models.DateField(_("internal target date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_by_role = models.CharField(_("role"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("review outcome")
        verbose_name_plural = _("review outcomes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="revision_requested", target_date__isnull=False)
                | (~models.Q(decision="revision_requested") & models.Q(target_date__isnull=True)),
                name="review_target_only_for_revision_requests",
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()} · {self.document}"


class ReviewComment(ImmutableModel):
    """A comment in a document's review thread, by WeGO or the city."""

    document = models.ForeignKey(
        "compliance.Document", on_delete=models.PROTECT, related_name="review_comments", verbose_name=_("document")
    )
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    author_role = models.CharField(_("role"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author_role}: {self.body[:40]}"


class ReadLogEntry(ImmutableModel):
    """One download of a stored file, a receipt or a packet: who, when, which.

    Kept apart from the hash-chained audit trail, on purpose:
    - the audit trail is readable (and exportable) by council staff; who read what is
      for the Digital Policy Officer and administrators only;
    - the trail records changes to the record, each under one append lock; a read is not
      a change, and every download taking that lock would serialise readers behind
      writers and bury the obligation timelines under downloads.
    It is append-only like the trail (no update, no delete from the application).
    """

    class Kind(models.TextChoices):
        FILE = "file", _("File download")
        RECEIPT = "receipt", _("Receipt (PDF)")
        PACKET = "packet", _("Packet download")
        PUBLIC_FILE = "public_file", _("Download from the public register")

    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user")
    )
    user_name = models.CharField(_("who"), max_length=150, blank=True)  # empty: an anonymous visitor
    user_role = models.CharField(_("role"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("file"), max_length=300)
    file = models.ForeignKey(
        "compliance.DocumentFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    packet = models.ForeignKey(
        "compliance.PacketBuild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The documents the download contained: the file's document, or every document of
    # the packet (as collected when it was downloaded).
    documents = models.ManyToManyField("compliance.Document", related_name="read_log", blank=True)

    class Meta:
        verbose_name = _("read log entry")
        verbose_name_plural = _("read log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{format_datetime(self.at, get_language() or 'ko')} {self.user_name} {self.name}"

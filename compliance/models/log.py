"""The transparency log: append-only leaves, signed tree heads and the keys that signed them.

Written only by `compliance.services.translog` (leaves, in the write's transaction) and
`compliance.log_heads` (heads). The tree itself is `compliance.rules.merkle` over the
leaves' hashes in index order; see README "Proof anyone can check".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogLeafQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The transparency log is append-only.")

    def delete(self):
        raise PermissionError("The transparency log is append-only.")


class LogLeaf(models.Model):
    """One entry of the log: the canonical JSON of a fact, hashed as an RFC 9162 leaf."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        FORWARDING = "forwarding", _("Forwarding to the Council")
        COMMITTEE_REPORT = "committee_report", _("Committee report")
        EXTENSION = "extension", _("Agreed extension")
        COVERAGE = "coverage", _("Coverage of the records")
        PROVISION = "provision", _("Provision version")
        REVIEW_OUTCOME = "review_outcome", _("Review outcome")
        KEY_ROTATION = "key_rotation", _("Signing key rotation")

    # The leaf's position in the tree: 0, 1, 2, … with no gap (taken under a lock).
    index = models.PositiveBigIntegerField(_("index"), unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # The record the leaf states (``document:12``); a later leaf for the same record
    # (a correction) supersedes it for comparisons, never replaces it.
    ref = models.CharField(_("record"), max_length=100, db_index=True, blank=True)
    leaf = models.TextField(_("leaf (canonical JSON)"))
    leaf_hash = models.CharField(_("leaf hash"), max_length=64)
    created_at = models.DateTimeField(_("logged at"))

    objects = LogLeafQuerySet.as_manager()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["index"]

    def __str__(self):
        return f"#{self.index} {self.kind} {self.leaf_hash[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("The transparency log is append-only.")
        super().save(*args, **kwargs)


class LogKey(models.Model):
    """A public key that signed (or signs) tree heads. The private key never comes here."""

    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_pem = models.TextField(_("public key (PEM)"))
    created_at = models.DateTimeField(_("first used"))
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("log signing key")
        verbose_name_plural = _("log signing keys")
        ordering = ["created_at"]

    def __str__(self):
        return self.key_id[:16]


class LogHead(models.Model):
    """A signed tree head: the log's size and root at a moment, signed with Ed25519."""

    tree_size = models.PositiveBigIntegerField(_("tree size"))
    root_hash = models.CharField(_("root hash"), max_length=64)
    timestamp = models.DateTimeField(_("signed at"), db_index=True)
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.CharField(_("signature (base64)"), max_length=200)
    # The exact JSON published (`compliance.log_heads.head_json`), kept as signed.
    body = models.TextField(_("published head"))

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        ordering = ["tree_size", "timestamp"]

    def __str__(self):
        return f"{self.tree_size} {self.root_hash[:12]}"

"""The append-only, hash-chained audit trail (written only by `compliance.audit.record`)."""

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")

    def touching(self, refs):
        """Entries whose `refs` name any of `refs` (tokens like ``doc:12``)."""
        refs = sorted(set(refs))
        if not refs:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            # One array overlap with the tokens as one parameter. An obligation page asks
            # for ~150 tokens (50 documents with their submissions and forwardings): as
            # 150 OR'ed LIKEs the condition took longer to build and to run than the rest
            # of the page, and grew with the trail's page.
            table = connections[self.db].ops.quote_name(self.model._meta.db_table)
            overlap = RawSQL(
                f"string_to_array({table}.refs, ' ') && %s::text[]", (refs,), output_field=models.BooleanField()
            )
            return self.filter(overlap)
        query = Q()
        for ref in refs:
            query |= Q(refs__contains=f" {ref} ")
        return self.filter(query)

    def newest_touching(self, refs):
        """`touching(refs)` newest first, as a list. On PostgreSQL the same condition is
        written out (`raw`): the obligation page asks on every view, and building the
        query through the ORM took longer than running it."""
        refs = sorted(set(refs))
        connection = connections[self.db]
        if not refs or connection.vendor != "postgresql" or self.query.where:
            return list(self.touching(refs).order_by("-seq"))
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = f"SELECT * FROM {table} WHERE string_to_array({table}.refs, ' ') && %s::text[] ORDER BY seq DESC"
        return list(self.raw(sql, [refs]))


class AuditEntry(models.Model):
    """One recorded create/change/delete, chained by hash to the entry before it.

    `entry_hash` is the SHA-256 of this entry's canonical content plus `prev_hash`, and
    `signature` signs it with a key kept outside the database; `seq` has no gaps. On
    PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of the table for every role.
    Editing, deleting or rewriting rows behind the trigger's back breaks the chain or
    its signatures, and removing the newest entries contradicts the last published head;
    `manage.py verify_audit` reports each. Written only by `compliance.audit.record`.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    # No database constraint and nothing done on delete: the entry is signed as written,
    # so deleting a user must not rewrite it (the name stays in `actor_name`).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
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
    # HMAC-SHA256 of `entry_hash` with settings.WEGO_AUDIT_KEY, which the database never
    # holds: a chain rewritten with recomputed hashes no longer carries valid signatures.
    signature = models.CharField(max_length=64, blank=True)

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


class AuditHeadPublication(models.Model):
    """That head number `number` of the audit trail was published, and to which file.

    Written by the publisher with each head file (`compliance.audit_heads`). The head
    files carry the same number and the hash of the head before, so `verify_audit`
    reports a head that was published but is no longer there: deleted head files no
    longer read as "nothing to compare". `key_id` names the audit key that signed it
    (never the key): a different key is then reported as a key problem, not tampering.
    """

    number = models.PositiveIntegerField(_("head number"), unique=True)
    seq = models.PositiveBigIntegerField(_("sequence"))
    entry_hash = models.CharField(max_length=64)
    key_id = models.CharField(_("audit key id"), max_length=16)
    file_name = models.CharField(_("file"), max_length=120)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published audit head")
        verbose_name_plural = _("published audit heads")
        ordering = ["number"]

    def __str__(self):
        return f"head #{self.number} (seq {self.seq})"

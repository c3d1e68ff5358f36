"""Agreed extensions ("stop the clock"): a deadline moved by an agreement.

An extension is an event on one obligation (by its key, like a delay reason): the new
date, its basis (a clause of the funding agreement, a Council decision ...), who granted
it and when, and an optional document. The statutory due date never changes; the
register judges the status against the latest active extension and shows both dates.
Recorded by the Digital Policy Officer or an administrator (`compliance.services.extensions`),
audited, importable and exportable. A withdrawn extension is kept, marked withdrawn.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..display import date_label
from .events import Document


class ExtensionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)

    def as_known_on(self, day):
        """The extensions as the city knew them on `day`: those recorded by then, each with
        `in_force_then` (not withdrawn by that day: one withdrawn later was still in force)."""
        in_force = models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=day)
        return self.filter(recorded_on__lte=day).annotate(
            in_force_then=models.ExpressionWrapper(in_force, output_field=models.BooleanField())
        )

    def latest_active_by_key(self, keys) -> dict:
        """{obligation_key: the latest active extension} for these keys (one query).

        "Latest" is the one granted last (then recorded last): a later agreement replaces
        an earlier one, whichever date it names."""
        found = {}
        rows = (
            self.active()
            .filter(obligation_key__in=set(keys))
            .select_related("document")
            .order_by("obligation_key", "-granted_on", "-created_at", "-pk")
        )
        for extension in rows:
            found.setdefault(extension.obligation_key, extension)
        return found


class Extension(models.Model):
    obligation_key = models.CharField(_("obligation"), max_length=120, db_index=True)
    extended_to = models.DateField(_("agreed date"))
    basis = models.TextField(
        _("basis"), help_text=_("For example a clause of the funding agreement, or a Council decision.")
    )
    granted_by = models.CharField(_("granted by"), max_length=200)
    granted_on = models.DateField(_("granted on"))
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("document"),
    )
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    objects = ExtensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreed extension")
        verbose_name_plural = _("agreed extensions")
        ordering = ["obligation_key", "granted_on", "pk"]
        constraints = [
            # The natural key of the import/export files.
            models.UniqueConstraint(
                fields=["obligation_key", "granted_on", "extended_to"], name="unique_extension_grant"
            ),
        ]

    def __str__(self):
        return f"{self.obligation_key} → {date_label(self.extended_to)}"

    @property
    def is_active(self):
        return self.withdrawn_on is None


def latest_active_extensions(keys) -> dict:
    """{obligation_key: latest active `Extension`} for a set of obligation keys."""
    return Extension.objects.latest_active_by_key(keys)

"""The stored register: what the rules derive from the events, one row per obligation.

Derived data, never a second truth: `compliance.register.keep` writes these rows in the
transaction of the write that changes their facts (only the rows that change), and
`manage.py rebuild_register` recomputes them all from the events. The status is never
stored: it depends on the day one asks about and on the records coverage, and is
computed in the query (`compliance.register.status_sql`), as healthchecks computes a
check's status from its stored timestamps.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from .events import Document
from .law import DutyRule


class StoredObligation(models.Model):
    key = models.CharField(_("obligation"), max_length=120, unique=True)
    rule = models.ForeignKey(DutyRule, on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(max_length=64)
    # The rule's actor (party code), for the dashboard's party filter without a join.
    party = models.CharField(max_length=64)
    # Rule order, to sort the way the rules are listed.
    ordering = models.IntegerField(default=0)
    fiscal_year = models.PositiveSmallIntegerField()
    # "Without delay" duties (triggered by a receipt or a forwarding): past the grace they
    # are "delayed", never a violation.
    event_driven = models.BooleanField(default=False)
    # The provision versions in force when the duty arose (ids).
    provision_ids = models.JSONField(default=list)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, related_name="+")
    # The receipt (duties to the Council) or forwarding (reports) that triggered it.
    trigger_date = models.DateField(null=True)
    due_date = models.DateField()
    submit_by = models.DateField(null=True)
    provisional = models.BooleanField(default=False)
    # The first day the duty could have been fulfilled: coverage is judged from it.
    window_start = models.DateField()
    # The stream of records that decides it (receipts, forwardings, committee_reports).
    stream = models.CharField(max_length=24)
    fulfilled_on = models.DateField(null=True)
    fulfilled_by = models.CharField(max_length=300, blank=True)
    fulfilled_kind = models.CharField(max_length=16, blank=True)
    fulfilled_id = models.IntegerField(null=True)
    # An agreed extension's date (the statutory due date never changes).
    extended_to = models.DateField(null=True)
    extension_basis = models.CharField(max_length=300, blank=True)
    # The day it was agreed: a status as of an earlier day is judged without it.
    extended_from = models.DateField(null=True)
    # The day the status is judged against: the later of the due date and an extension.
    # Kept by the database from the two columns; every status expression names it many
    # times, and a column costs less to read than the expression does to compute.
    target = models.GeneratedField(
        expression=Greatest(F("due_date"), Coalesce(F("extended_to"), F("due_date"))),
        output_field=models.DateField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("stored obligation")
        verbose_name_plural = _("stored obligations")
        indexes = [
            # The register's reads: by due date (lists, the alert scan's window), by
            # fiscal year and duty (filters, packets), by document (a lineage's refresh).
            models.Index(fields=["due_date", "key"], name="stored_ob_due"),
            models.Index(fields=["fiscal_year", "duty"], name="stored_ob_fy_duty"),
            models.Index(fields=["document"], name="stored_ob_document"),
            models.Index(fields=["trigger_date"], name="stored_ob_trigger"),
            # The task list: the soonest open duties due on or after a day, the latest before it.
            models.Index(fields=["target"], name="stored_ob_target"),
            # Is any extension agreed after a past day asked? (`Register.agreed_after`)
            models.Index(fields=["extended_from"], name="stored_ob_agreed"),
        ]

    def __str__(self):
        return self.key

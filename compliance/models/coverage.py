"""What the records cover: a period per stream of records (DOMAIN.md "Coverage").

Statuses are claims about the world: an unfulfilled duty is only `overdue` when the
records of its stream cover every day on which it could have been fulfilled
(`compliance.rules.coverage`). The Digital Policy Officer and administrators keep these
rows up to date; every change is audited.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordStream(models.TextChoices):
    # The values of `compliance.rules.coverage.STREAMS`.
    RECEIPTS = "receipts", _("WeGO's submissions to the Mayor")
    FORWARDINGS = "forwardings", _("The Mayor's forwardings to the Council")
    COMMITTEE_REPORTS = "committee_reports", _("Reports to the standing committee")


class RecordCoverage(models.Model):
    """One stream's records are complete from `starts_on` through `ends_on`.

    With no `ends_on` the coverage is *live*: from `starts_on` on, the app is how these
    events are recorded, so the records are complete up to today. `source` says why we
    believe the records are complete for the period.
    """

    stream = models.CharField(_("stream of records"), max_length=32, choices=RecordStream.choices)
    starts_on = models.DateField(_("covered from"))
    ends_on = models.DateField(
        _("covered through"),
        null=True,
        blank=True,
        help_text=_("Leave empty when events are recorded in this app as they happen (live)."),
    )
    source = models.CharField(_("source (why the records are complete)"), max_length=500)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("records coverage")
        verbose_name_plural = _("records coverage")
        ordering = ["stream", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="coverage_ends_after_start",
            ),
            models.UniqueConstraint(fields=["stream", "starts_on"], name="unique_coverage_start"),
        ]

    def __str__(self):
        if self.ends_on is None:
            return f"{self.get_stream_display()}: {self.starts_on:%Y-%m-%d}~ (live)"
        return f"{self.get_stream_display()}: {self.starts_on:%Y-%m-%d}~{self.ends_on:%Y-%m-%d}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Coverage cannot end before it starts.")})

    @property
    def is_live(self):
        return self.ends_on is None

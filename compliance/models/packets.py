"""Generated council packets."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
        # The annual compliance report (compliance.pdf.report): the same build machinery,
        # its own parameters (the fiscal years below, as_of, language, what-if).
        REPORT = "report", _("Annual compliance report")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    # The annual report's fiscal years (either may be open); packets use `fiscal_year`.
    from_fiscal_year = models.PositiveSmallIntegerField(_("from fiscal year"), null=True, blank=True)
    to_fiscal_year = models.PositiveSmallIntegerField(_("to fiscal year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ko")
    as_of = models.DateField(_("as of"))
    # A what-if packet assumes the proposed amendment in force from `what_if_from`: it is
    # watermarked on every page and can never pass as the official packet (its own
    # params_key, file name and title).
    what_if = models.BooleanField(_("what-if (amendment assumed)"), default=False)
    what_if_from = models.DateField(_("amendment assumed in force from"), null=True, blank=True)
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
    # The claim is a lease: the builder renews it with each progress step. A running build
    # whose lease ran out (worker killed, machine lost) or whose worker has restarted is
    # taken back by `services.packets.recover_builds`: queued again, or failed with its
    # reason after MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("built by (worker)"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)

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
        # params_key already carries "whatif-YYYY-MM-DD" for a what-if packet.
        return f"wego-art17-{self.params_key}-v{self.version}.pdf"

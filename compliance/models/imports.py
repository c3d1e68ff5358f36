"""Import jobs: a large import file checked or imported by a worker, with progress."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One run of the import service on one file, in the background: a check (dry run) or
    the import itself. The file waits among the pending imports; the row-by-row report
    is kept as JSON. Claimed with a lease, like packet builds
    (`services.import_jobs.recover_jobs` takes back a job whose worker died)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    resource = models.CharField(_("records"), max_length=40)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The file waits among the pending imports (`compliance.dataio.pending`) under this id
    # until it is imported or expires.
    pending_ref = models.CharField(max_length=32)
    dry_run = models.BooleanField(_("check only"), default=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    # The requester's language when asking: the worker writes the report in it.
    language = models.CharField(_("language"), max_length=8, default="ko")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("built by (worker)"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.resource} {self.filename} ({self.state})"

    def get_absolute_url(self):
        return reverse("import_job", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

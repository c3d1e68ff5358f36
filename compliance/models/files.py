"""Stored files of received documents and one-time form tokens."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Document


class DocumentFile(models.Model):
    """A file of a received document, stored privately under its content hash.

    Served only through the permission-checked download view; see `compliance.storage`.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type (sniffed)"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    # Set only by the Digital Policy Officer (services.open_register.do_set_file_public,
    # audited); shown on the public register once the document is forwarded to the Council.
    is_public = models.BooleanField(_("public"), default=False)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ["document", "pk"]

    def __str__(self):
        return self.original_name

    def open(self):
        from ..storage import open_blob

        return open_blob(self.sha256)


class FormToken(models.Model):
    """A one-time token carried by a write form, so a double submit makes one record.

    The row is inserted in the same transaction as the record it produced; a second
    POST with the same token finds it and is shown that record instead.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=32)
    result_pk = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")

    def __str__(self):
        return f"{self.purpose}:{self.token[:8]}"

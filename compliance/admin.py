from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from . import models
from .dataio import resources
from .dataio.writer import write_table
from .services import coverage, law


class ResourceAdminMixin(ImportExportMixin):
    """Import/export buttons on a change list, with our natural-key resource (issue 6).

    Export runs the app's one writer (CSV or XLSX, formulas neutralised). Import goes to
    the import page, which runs the same resource behind the file and cell checks and
    cleans up after an abandoned dry run (the admin's own flow would skip both).
    """

    skip_admin_log = True
    export_formats = [base_formats.CSV, base_formats.XLSX]

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = self.get_import_resource_classes(request)[0].name
        return redirect(f"{reverse('import_records')}?resource={name}")

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        return redirect(reverse("import_records"))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        fmt = "xlsx" if file_format.get_extension() == "xlsx" else "csv"
        return write_table(data.headers, data, fmt)


class DueDatePreviewMixin:
    """Before an add, change or delete is saved, show which due dates it moves (old → new,
    which obligations). The admin's own steps: `changeform_view` answers a valid POST with
    a preview page that posts the same data back with `_preview_confirmed`; the delete
    confirmation page lists the moves too. Saving is the admin's usual save (audited)."""

    preview_template = "admin/compliance/due_date_preview.html"
    delete_confirmation_template = "admin/compliance/delete_confirmation_with_moves.html"

    # The rows `register.due_date_moves()` takes for this model (keyword, fields in order).
    preview_rows: tuple[str, tuple[str, ...]]

    def rows_after(self, obj, deleting=False):
        """Every row of the model as it would be once `obj` is saved (or deleted)."""
        keyword, fields = self.preview_rows
        others = self.model.objects.exclude(pk=obj.pk) if obj.pk else self.model.objects.all()
        rows = list(others.values_list(*fields))
        if not deleting:
            rows.append(tuple(getattr(obj, f) for f in fields))
        return {keyword: rows}

    def moves(self, obj, deleting=False):
        from . import register

        return register.due_date_moves(timezone.localdate(), **self.rows_after(obj, deleting))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_preview_confirmed" not in request.POST:
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if object_id is None or obj is not None:
                form = self.get_form(request, obj, change=obj is not None)(request.POST, request.FILES, instance=obj)
                if form.is_valid():
                    candidate = form.save(commit=False)  # not saved: previewed
                    context = {
                        **self.admin_site.each_context(request),
                        "opts": self.opts,
                        "title": _("Check the due dates this change moves"),
                        "candidate": candidate,
                        "moves": self.moves(candidate),
                        "fields": [
                            (name, value)
                            for name, values in request.POST.lists()
                            if name != "csrfmiddlewaretoken"
                            for value in values
                        ],
                        "cancel_url": request.get_full_path(),
                    }
                    return TemplateResponse(request, self.preview_template, context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method != "POST" and obj is not None:
            extra_context = {**(extra_context or {}), "moves": self.moves(obj, deleting=True)}
        return super().delete_view(request, object_id, extra_context)


@admin.register(models.LegalInstrument)
class LegalInstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "name_en"]


@admin.register(models.Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "instrument", "is_proposed", "effective_from", "effective_to"]
    list_filter = ["instrument", "is_proposed", "article"]

    def save_model(self, request, obj, form, change):
        # Through the service: the version it now states goes into the transparency log.
        law.do_save_provision(by=request.user, provision=obj)


@admin.register(models.Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_ko", "effective_from", "effective_to", "is_competent_committee"]
    list_filter = ["kind"]


@admin.register(models.CouncilSession)
class CouncilSessionAdmin(DueDatePreviewMixin, ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.CouncilSessionResource]
    list_display = ["number", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]

    preview_rows = ("sessions", ("starts_on", "ends_on", "number", "kind"))


@admin.register(models.HolidayOverride)
class HolidayOverrideAdmin(DueDatePreviewMixin, ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.HolidayOverrideResource]
    list_display = ["date", "kind", "name_ko", "name_en"]

    preview_rows = ("holidays", ("date", "kind", "name_ko", "name_en"))


@admin.register(models.RecordCoverage)
class RecordCoverageAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.RecordCoverageResource]
    list_display = ["stream", "starts_on", "ends_on", "source"]
    list_filter = ["stream"]

    def save_model(self, request, obj, form, change):
        coverage.do_save_coverage(by=request.user, coverage=obj)


@admin.register(models.DutyRule)
class DutyRuleAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.DutyRuleResource]
    list_display = ["code", "name_ko", "actor", "recipient", "anchor", "holiday_rule", "grace_business_days"]
    filter_horizontal = ["provisions"]


class DocumentInline(admin.TabularInline):
    model = models.Document
    fk_name = "submission"
    extra = 0


@admin.register(models.Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["received_on", "receipt_number", "submitted_by", "source"]
    inlines = [DocumentInline]


@admin.register(models.Document)
class DocumentAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.DocumentResource]
    list_display = ["title", "kind", "fiscal_year", "submission", "supersedes"]
    list_filter = ["kind", "fiscal_year"]


class ForwardingItemInline(admin.TabularInline):
    model = models.ForwardingItem
    extra = 0


@admin.register(models.Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    list_display = ["forwarded_on", "document_number", "source"]
    inlines = [ForwardingItemInline]


@admin.register(models.CommitteeReport)
class CommitteeReportAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.CommitteeReportResource]
    list_display = ["reported_on", "committee", "session"]


@admin.register(models.DelayReason)
class DelayReasonAdmin(admin.ModelAdmin):
    list_display = ["obligation_key", "recorded_on", "recorded_by"]


@admin.register(models.Extension)
class ExtensionAdmin(ResourceAdminMixin, admin.ModelAdmin):
    """Agreed extensions are recorded on the obligation page or imported (both checked
    against the duty); here they are listed, exported and imported, never added by hand."""

    resource_classes = [resources.ExtensionResource]
    list_display = ["obligation_key", "extended_to", "granted_on", "granted_by", "withdrawn_on"]
    list_filter = ["withdrawn_on"]
    search_fields = ["obligation_key", "basis", "granted_by"]
    readonly_fields = ["obligation_key", "extended_to", "granted_on", "recorded_on", "recorded_by", "withdrawn_by"]

    def has_add_permission(self, request):
        return False


@admin.register(models.Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "evaluated_on", "outcome"]


@admin.register(models.InspectionRequest)
class InspectionRequestAdmin(admin.ModelAdmin):
    list_display = ["requested_on", "kind", "fiscal_year", "answered_on"]


@admin.register(models.ForwardingItem)
class ForwardingItemAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.ForwardingResource]
    list_display = ["description", "kind", "fiscal_year", "forwarding", "document"]
    list_filter = ["kind", "fiscal_year"]


@admin.register(models.FundingYear)
class FundingYearAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.FundingYearResource]
    list_display = ["year", "total_budget", "seoul_support", "membership_dues", "dues_ratio"]


@admin.register(models.SeoulSupport)
class SeoulSupportAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.SeoulSupportResource]
    list_display = ["year", "amount", "seconded_staff"]


@admin.register(models.DuesCollection)
class DuesCollectionAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.DuesCollectionResource]
    list_display = ["year", "targets", "payers", "rate", "amount"]


# --- Workflow (issue 3): the audit trail is read-only everywhere ---


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "created_at", "actor_name", "action", "model", "object_pk", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name", "refs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DocumentFile)
class DocumentFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "document", "size", "content_type", "sha256", "uploaded_at"]
    readonly_fields = ["document", "original_name", "sha256", "size", "content_type", "uploaded_by"]

    def has_add_permission(self, request):
        return False  # files arrive only through the submission form (checked, hashed, stored)


# --- Alerts ----------------------------------------------------------------------------


@admin.register(models.AlertStage)
class AlertStageAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "duty_rule",
        "kind",
        "offset_days",
        "repeat_every_days",
        "notify_responsible",
        "notify_dpo",
        "notify_council_staff",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "duty_rule"]
    list_editable = ["offset_days", "notify_responsible", "notify_dpo", "notify_council_staff", "is_active"]


@admin.register(models.AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """Failed sends are listed here with their error and the next retry; nothing is dropped."""

    list_display = [
        "obligation_key",
        "stage",
        "recipient",
        "alert_date",
        "status",
        "via_digest",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "via_digest", "stage__code"]
    search_fields = ["obligation_key", "recipient__username", "last_error"]
    list_select_related = ["stage", "stage__duty_rule", "recipient"]
    readonly_fields = [f.name for f in models.AlertDelivery._meta.fields]
    actions = ["retry_now"]

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        from django.db import transaction
        from django.utils import timezone

        from .services.alerts import _enqueue

        rows = queryset.filter(status__in=[models.AlertDelivery.Status.FAILED, models.AlertDelivery.Status.PENDING])
        with transaction.atomic():
            changed = rows.update(next_attempt_at=timezone.now())
            sendable = list(
                models.AlertDelivery.objects.sendable(timezone.now())
                .filter(pk__in=queryset.values("pk"))
                .values_list("pk", "via_digest", "recipient_id")
            )
            transaction.on_commit(lambda: _enqueue(sendable))
        self.message_user(request, _("%(n)d alert(s) queued again.") % {"n": changed})

    def has_add_permission(self, request):
        return False


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title_ko", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["delivery"]


@admin.register(models.AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "language", "has_calendar"]
    exclude = ["ical_token"]

    @admin.display(boolean=True, description=_("calendar address"))
    def has_calendar(self, obj):
        return bool(obj.ical_token)


@admin.register(models.AlertScan)
class AlertScanAdmin(admin.ModelAdmin):
    list_display = ["as_of", "started_at", "finished_at", "created", "enqueued", "error"]
    readonly_fields = [f.name for f in models.AlertScan._meta.fields]


@admin.register(models.ReceiptEmail)
class ReceiptEmailAdmin(admin.ModelAdmin):
    """Receipt e-mails and what became of them: a failed one shows its error and next retry."""

    list_display = ["submission", "to", "language", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["submission__receipt_number", "to", "last_error"]
    list_select_related = ["submission"]
    readonly_fields = [f.name for f in models.ReceiptEmail._meta.fields]
    actions = ["retry_now"]

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        from django.utils import timezone

        from .services.receipts import do_queue_waiting_receipt_emails

        changed = queryset.filter(
            status__in=[models.ReceiptEmail.Status.FAILED, models.ReceiptEmail.Status.PENDING]
        ).update(next_attempt_at=timezone.now())
        do_queue_waiting_receipt_emails()
        self.message_user(request, _("%(n)d e-mail(s) queued again.") % {"n": changed})

    def has_add_permission(self, request):
        return False

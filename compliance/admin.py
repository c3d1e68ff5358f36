from django.contrib import admin
from import_export.admin import ImportExportMixin

from . import models, resources


class ResourceAdminMixin(ImportExportMixin):
    """Import/export buttons on a change list, with our natural-key resource (issue 6).

    The admin's own flow (upload, dry-run confirmation, import) runs the same resource
    as the import_records command and the browser import page.
    """

    skip_admin_log = True


@admin.register(models.LegalInstrument)
class LegalInstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ko", "name_en"]


@admin.register(models.Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "instrument", "is_proposed", "effective_from", "effective_to"]
    list_filter = ["instrument", "is_proposed", "article"]


@admin.register(models.Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_ko", "effective_from", "effective_to", "is_competent_committee"]
    list_filter = ["kind"]


@admin.register(models.CouncilSession)
class CouncilSessionAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.CouncilSessionResource]
    list_display = ["number", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]


@admin.register(models.HolidayOverride)
class HolidayOverrideAdmin(ResourceAdminMixin, admin.ModelAdmin):
    resource_classes = [resources.HolidayOverrideResource]
    list_display = ["date", "kind", "name_ko", "name_en"]


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

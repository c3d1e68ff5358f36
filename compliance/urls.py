"""Every URL of the app, one list grouped by area."""

from django.urls import path

from .views import alerts, audit, city, data, funding, health, law, obligations, packets, review, submissions

urlpatterns = [
    # Obligations and the law
    path("", obligations.dashboard, name="dashboard"),
    path("obligations/<str:key>/", obligations.obligation_detail, name="obligation_detail"),
    path("law/", law.provisions, name="provisions"),
    # WeGO → Mayor: submissions (17③)
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/new/", submissions.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/receipt.pdf", submissions.submission_receipt, name="submission_receipt"),
    path("files/<int:pk>/download/", submissions.file_download, name="file_download"),
    # The city's acts (17②④⑤)
    path("inbox/", city.inbox, name="inbox"),
    path("forwardings/", city.forwarding_list, name="forwarding_list"),
    path("forwardings/new/", city.forwarding_new, name="forwarding_new"),
    path("committee-reports/new/", city.committee_report_new, name="committee_report_new"),
    path("delay-reasons/new/", city.delay_reason_new, name="delay_reason_new"),
    path("evaluations/", city.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", city.evaluation_new, name="evaluation_new"),
    path("inspections/new/", city.inspection_new, name="inspection_new"),
    # The city's review of each received document, and who read what was forwarded
    path("reviews/", review.review_list, name="review_list"),
    path("documents/<int:pk>/review/", review.document_review, name="document_review"),
    path("documents/<int:pk>/review/outcome/", review.review_outcome_new, name="review_outcome_new"),
    path("documents/<int:pk>/review/comment/", review.review_comment_new, name="review_comment_new"),
    path("documents/<int:pk>/read-log/", review.document_read_log, name="document_read_log"),
    # Audit trail
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    # Council packets
    path("packets/", packets.packet_list, name="packet_list"),
    path("packets/new/", packets.packet_create, name="packet_create"),
    path("packets/<int:pk>/", packets.packet_detail, name="packet_detail"),
    path("packets/<int:pk>/download/", packets.packet_download, name="packet_download"),
    # Records in and out, funding
    path("funding/", funding.funding, name="funding"),
    path("data/", data.data_home, name="data"),
    path("data/import/", data.import_records, name="import_records"),
    path("data/export/<str:resource>/", data.export_download, name="export_records"),
    # Alerts
    path("alerts/", alerts.inbox, name="alerts_inbox"),
    path("alerts/read/", alerts.mark_read, name="alerts_mark_read"),
    path("alerts/preferences/", alerts.preferences, name="alerts_preferences"),
    path("alerts/calendar-token/", alerts.calendar_token, name="alerts_calendar_token"),
    path("calendar/<str:token>.ics", alerts.calendar_feed, name="alerts_calendar_feed"),
    # Operations
    path("health/", health.health, name="health"),
]

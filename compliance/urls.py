"""Every URL of the app, one list grouped by area."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import (
    alerts,
    api_docs,
    api_tokens,
    audit,
    calculator,
    city,
    coverage,
    data,
    extensions,
    feeds,
    funding,
    health,
    law,
    obligations,
    open_data,
    packets,
    performance,
    public,
    review,
    review_list,
    submissions,
    translog,
)
from .views.api import endpoints as api
from .views.api import schema  # noqa: F401 (registers the API token scheme with the schema)
from .views.api import statistics as api_statistics

urlpatterns = [
    # Obligations and the law
    path("", obligations.dashboard, name="dashboard"),
    path("obligations/<str:key>/", obligations.obligation_detail, name="obligation_detail"),
    path("obligations/<str:key>/extensions/new/", extensions.extension_new, name="extension_new"),
    path("extensions/<int:pk>/withdraw/", extensions.extension_withdraw, name="extension_withdraw"),
    path("law/", law.provisions, name="provisions"),
    # The compliance record: figures per fiscal year and hop, recently overdue, the annual report
    path("performance/", performance.performance, name="performance"),
    path("performance/overdue.atom", performance.performance_feed, name="performance_feed"),
    path("performance/report.pdf", performance.performance_report, name="performance_report"),
    path("records/coverage/", coverage.coverage_list, name="coverage_list"),
    path("records/coverage/new/", coverage.coverage_edit, name="coverage_new"),
    path("records/coverage/<int:pk>/", coverage.coverage_edit, name="coverage_edit"),
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
    path("reviews/", review_list.review_list, name="review_list"),
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
    path("packets/<int:pk>/retry/", packets.packet_retry, name="packet_retry"),
    # Records in and out, funding
    path("funding/", funding.funding, name="funding"),
    path("data/", data.data_home, name="data"),
    path("data/import/", data.import_records, name="import_records"),
    path("data/import/jobs/<int:pk>/", data.import_job, name="import_job"),
    path("data/export/<str:resource>/", data.export_download, name="export_records"),
    # Alerts
    path("alerts/", alerts.inbox, name="alerts_inbox"),
    path("alerts/read/", alerts.mark_read, name="alerts_mark_read"),
    path("alerts/preferences/", alerts.preferences, name="alerts_preferences"),
    path("alerts/calendar-token/", alerts.calendar_token, name="alerts_calendar_token"),
    path("calendar/<str:token>.ics", alerts.calendar_feed, name="alerts_calendar_feed"),
    # Operations
    path("health/", health.health, name="health"),
    # The open register: the public page, its files and feeds, the calculator
    path("public/", public.public_register, name="public_register"),
    path("public/files/<int:pk>/", public.public_file, name="public_file"),
    path("files/<int:pk>/public/", public.file_publish, name="file_publish"),
    path("public/feed.atom", feeds.public_feed, name="public_feed"),
    # The transparency log: signed heads, keys, leaves, proofs, the offline verifier
    path("public/log/", translog.log_page, name="public_log"),
    path("public/log/verify/", translog.verify_page, name="public_log_verify"),
    path("public/log/head.json", translog.head_json, name="public_log_head"),
    path("public/log/public_key.pem", translog.public_key, name="public_log_key"),
    path("public/log/keys/<str:key_id>.pem", translog.key_pem, name="public_log_key_by_id"),
    path("public/log/entries.json", translog.entries_json, name="public_log_entries"),
    path("public/log/proof.json", translog.inclusion_json, name="public_log_proof"),
    path("public/log/consistency.json", translog.consistency_json, name="public_log_consistency"),
    path("public/log/verify_packet.py", translog.verifier, name="public_log_verifier"),
    path("public/calendar.ics", feeds.public_calendar, name="public_calendar"),
    path("public/performance/", performance.public_performance, name="public_performance"),
    path("public/performance/overdue.atom", performance.public_performance_feed, name="public_performance_feed"),
    path("public/performance/statistics.csv", open_data.statistics_csv, name="public_performance_csv"),
    path("public/performance/statistics.json", open_data.statistics_json, name="public_performance_json"),
    path("public/performance/datapackage.json", open_data.datapackage, name="public_performance_datapackage"),
    path("feeds/<str:token>.atom", feeds.user_feed, name="user_feed"),
    path("calculator/", calculator.calculator_page, name="calculator"),
    path("calculator/assumptions/", calculator.calculator_assumptions, name="calculator_assumptions"),
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    # The read API (compliance/views/api), its OpenAPI schema and docs
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", api_docs.api_docs, name="api_docs"),
    path("api/v1/obligations/", api.ObligationList.as_view(), name="api_obligations"),
    path("api/v1/obligations/<str:key>/", api.ObligationDetail.as_view(), name="api_obligation"),
    path("api/v1/documents/", api.DocumentList.as_view(), name="api_documents"),
    path("api/v1/forwardings/", api.ForwardingList.as_view(), name="api_forwardings"),
    path("api/v1/committee-reports/", api.CommitteeReportList.as_view(), name="api_committee_reports"),
    path("api/v1/provisions/", api.ProvisionList.as_view(), name="api_provisions"),
    path("api/v1/duty-rules/", api.DutyRuleList.as_view(), name="api_duty_rules"),
    path("api/v1/funding/", api.FundingView.as_view(), name="api_funding"),
    path("api/v1/statistics/", api_statistics.StatisticsView.as_view(), name="api_statistics"),
    path("api/v1/calculate/", api.CalculateView.as_view(), name="api_calculate"),
    path("api/<path:rest>", api.NotFoundView.as_view(), name="api_not_found"),
]

from django.urls import path

from . import views, views_packets

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("obligations/<str:key>/", views.obligation_detail, name="obligation_detail"),
    path("packets/", views_packets.packet_list, name="packet_list"),
    path("packets/new/", views_packets.packet_create, name="packet_create"),
    path("packets/<int:pk>/", views_packets.packet_detail, name="packet_detail"),
    path("packets/<int:pk>/download/", views_packets.packet_download, name="packet_download"),
]
urlpatterns += [path("law/", views.provisions, name="provisions")]

# --- Submissions and the city's workflow (issue 3) ---
from . import views_workflow as wf  # noqa: E402

urlpatterns += [
    path("submissions/", wf.submission_list, name="submission_list"),
    path("submissions/new/", wf.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", wf.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/receipt.pdf", wf.submission_receipt, name="submission_receipt"),
    path("files/<int:pk>/download/", wf.file_download, name="file_download"),
    path("inbox/", wf.inbox, name="inbox"),
    path("forwardings/", wf.forwarding_list, name="forwarding_list"),
    path("forwardings/new/", wf.forwarding_new, name="forwarding_new"),
    path("committee-reports/new/", wf.committee_report_new, name="committee_report_new"),
    path("delay-reasons/new/", wf.delay_reason_new, name="delay_reason_new"),
    path("evaluations/", wf.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", wf.evaluation_new, name="evaluation_new"),
    path("inspections/new/", wf.inspection_new, name="inspection_new"),
    path("audit/", wf.audit_log, name="audit_log"),
    path("audit/export.csv", wf.audit_export, name="audit_export"),
]

# --- Import/export and funding (issue 6) ---
from . import views_data, views_funding  # noqa: E402

urlpatterns += [
    path("funding/", views_funding.funding, name="funding"),
    path("data/", views_data.data_home, name="data"),
    path("data/import/", views_data.import_records, name="import_records"),
    path("data/export/<str:resource>/", views_data.export_download, name="export_records"),
]

# --- Alerts (compliance/views_alerts.py) ---
from . import views_alerts  # noqa: E402

urlpatterns += [
    path("alerts/", views_alerts.inbox, name="alerts_inbox"),
    path("alerts/read/", views_alerts.mark_read, name="alerts_mark_read"),
    path("alerts/preferences/", views_alerts.preferences, name="alerts_preferences"),
    path("alerts/calendar-token/", views_alerts.calendar_token, name="alerts_calendar_token"),
    path("calendar/<str:token>.ics", views_alerts.calendar_feed, name="alerts_calendar_feed"),
    path("health/", views_alerts.health, name="health"),
]

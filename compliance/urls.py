from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("obligations/<str:key>/", views.obligation_detail, name="obligation_detail"),
]
urlpatterns += [path("law/", views.provisions, name="provisions")]

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

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("obligations/<str:key>/", views.obligation_detail, name="obligation_detail"),
]
urlpatterns += [path("law/", views.provisions, name="provisions")]

# --- Import/export and funding (issue 6) ---
from . import views_data, views_funding  # noqa: E402

urlpatterns += [
    path("funding/", views_funding.funding, name="funding"),
    path("data/", views_data.data_home, name="data"),
    path("data/import/", views_data.import_records, name="import_records"),
    path("data/export/<str:resource>/", views_data.export_download, name="export_records"),
]

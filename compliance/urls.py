from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("obligations/<str:key>/", views.obligation_detail, name="obligation_detail"),
]
urlpatterns += [path("law/", views.provisions, name="provisions")]

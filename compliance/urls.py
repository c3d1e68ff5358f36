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

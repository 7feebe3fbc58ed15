from django.urls import path

from congso.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("ngoai-tuyen/", views.offline, name="offline"),
]

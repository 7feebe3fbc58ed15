from django.urls import path

from congso.dashboard import api

urlpatterns = [
    path("dashboard/kpis/", api.KpiListApi.as_view(), name="dashboard-kpis"),
    path("dashboard/indicators/", api.IndicatorListApi.as_view(), name="dashboard-indicators"),
]

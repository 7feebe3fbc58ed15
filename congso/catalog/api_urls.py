from django.urls import path

from congso.catalog import api

urlpatterns = [
    path("procedures/", api.ProcedureListApi.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>/", api.ProcedureDetailApi.as_view(), name="api-procedure-detail"),
    path(
        "procedures/<str:code>/due-date/",
        api.ProcedureDueDateApi.as_view(),
        name="api-procedure-due-date",
    ),
]

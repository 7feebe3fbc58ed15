from django.urls import path

from congso.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.procedure_list, name="procedure-list"),
    path("linh-vuc/", views.field_list, name="field-list"),
    path("linh-vuc/<slug:slug>/", views.field_detail, name="field-detail"),
    path("co-quan/<slug:slug>/", views.agency_procedures, name="agency-procedures"),
    # National codes contain dots (1.001193): any text without a slash.
    path("<str:code>/", views.procedure_detail, name="procedure-detail"),
]

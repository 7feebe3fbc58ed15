"""The REST API (/api/v1/): every app's endpoints, the OpenAPI schema and Swagger UI."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("congso.accounts.api_urls")),
    path("", include("congso.catalog.api_urls")),
    path("", include("congso.dossiers.api_urls")),
    path("", include("congso.documents.api_urls")),
    path("", include("congso.assistant.api_urls")),
    path("", include("congso.dashboard.api_urls")),
]

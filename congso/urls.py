"""Root URL configuration: HTML pages per app, the API under /api/v1/, the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from congso.core import views as core_views

admin.site.site_header = "Công Số — Quản trị hệ thống"
admin.site.site_title = "Công Số"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("congso.api_urls")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("congso.accounts.urls")),
    path("thu-tuc/", include("congso.catalog.urls")),
    path("van-ban/", include("congso.documents.urls")),
    path("tro-ly-ao/", include("congso.assistant.urls")),
    path("", include("congso.dossiers.urls")),
    path("", include("congso.dashboard.urls")),
    path("", include("congso.portal.urls")),
]

if not getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""):
    # Media on local disk in the embedded mode; access control for private files is enforced by
    # the apps' own download views, and this path serves only public media.
    urlpatterns += [
        path("media/public/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "public"})
    ]

handler400 = "congso.core.views.bad_request"
handler404 = "congso.core.views.page_not_found"
handler500 = "congso.core.views.server_error"
handler403 = "congso.core.views.permission_denied"

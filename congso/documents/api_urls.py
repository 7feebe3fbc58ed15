"""API routes of the document system (mounted under /api/v1/)."""

from django.urls import path

from congso.documents import api

urlpatterns = [
    path("documents/incoming/", api.IncomingApi.as_view(), name="documents-incoming-api"),
    path("documents/outgoing/", api.OutgoingApi.as_view(), name="documents-outgoing-api"),
    path(
        "documents/outgoing/<int:document_id>/actions/<slug:action>/",
        api.OutgoingActionApi.as_view(),
        name="documents-outgoing-action-api",
    ),
    path("documents/search/", api.DocumentSearchApi.as_view(), name="documents-search-api"),
    path("documents/types/", api.DocumentTypesApi.as_view(), name="documents-types-api"),
    path("documents/verify/", api.SignatureVerifyApi.as_view(), name="documents-verify-api"),
    path(
        "documents/packages/", api.PackageImportApi.as_view(), name="documents-package-import-api"
    ),
    path("documents/<int:document_id>/", api.DocumentDetailApi.as_view(), name="document-api"),
    path(
        "documents/<int:document_id>/sign/", api.DocumentSignApi.as_view(), name="document-sign-api"
    ),
    path(
        "documents/<int:document_id>/signatures/",
        api.DocumentSignaturesApi.as_view(),
        name="document-signatures-api",
    ),
    path(
        "documents/<int:document_id>/files/<int:file_id>/",
        api.DocumentFileApi.as_view(),
        name="document-file-api",
    ),
    path(
        "documents/<int:document_id>/package/",
        api.PackageExportApi.as_view(),
        name="document-package-api",
    ),
    path(
        "documents/<int:document_id>/assignments/",
        api.DocumentAssignmentsApi.as_view(),
        name="document-assignments-api",
    ),
    path("assignments/", api.AssignmentListApi.as_view(), name="assignments-api"),
    path(
        "assignments/<int:assignment_id>/opinions/",
        api.AssignmentOpinionApi.as_view(),
        name="assignment-opinions-api",
    ),
    path(
        "assignments/<int:assignment_id>/close/",
        api.AssignmentCloseApi.as_view(),
        name="assignment-close-api",
    ),
]

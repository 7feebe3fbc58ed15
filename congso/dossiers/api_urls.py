"""Dossier API routes under /api/v1/."""

from django.urls import path

from congso.dossiers import api

urlpatterns = [
    path("dossiers/", api.DossierListCreateApi.as_view(), name="dossier-list"),
    path("dossiers/queues/", api.QueueCountsApi.as_view(), name="dossier-queues"),
    path("dossiers/<str:code>/", api.DossierDetailApi.as_view(), name="dossier-detail"),
    path(
        "dossiers/<str:code>/attachments/",
        api.DossierAttachmentApi.as_view(),
        name="dossier-attachments",
    ),
    path(
        "dossiers/<str:code>/attachments/<int:pk>/",
        api.DossierAttachmentDownloadApi.as_view(),
        name="dossier-attachment-download",
    ),
    path(
        "dossiers/<str:code>/actions/<str:action>/",
        api.DossierActionApi.as_view(),
        name="dossier-action",
    ),
    path(
        "dossiers/<str:code>/receipt.pdf",
        api.DossierReceiptPdfApi.as_view(),
        name="dossier-receipt",
    ),
    path("dossiers/<str:code>/payment/", api.DossierPaymentApi.as_view(), name="dossier-payment"),
    path("payments/reconcile/", api.PaymentReconcileApi.as_view(), name="payment-reconcile"),
    path("lookup/", api.LookupApi.as_view(), name="dossier-lookup"),
    path("lookup/rate/", api.LookupRateApi.as_view(), name="dossier-lookup-rate"),
    path("feedback/", api.FeedbackCreateApi.as_view(), name="feedback-create"),
]

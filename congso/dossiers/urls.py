"""HTML routes of the one-stop desk: /ho-so/ (citizens), /mot-cua/ (officers), /tra-cuu/ (public)."""

from django.urls import path

from congso.dossiers import views

app_name = "dossiers"
urlpatterns = [
    # citizens
    path("ho-so/", views.my_dossiers, name="my-dossiers"),
    path("ho-so/nop/", views.procedure_picker, name="submit-start"),
    path("ho-so/nop/<str:code>/", views.submit_application, name="submit"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier-detail"),
    path("ho-so/<str:code>/sua/", views.edit_draft, name="dossier-edit"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.dossier_action, name="dossier-action"),
    path("ho-so/<str:code>/thanh-toan/", views.dossier_payment, name="dossier-payment"),
    path("ho-so/<str:code>/phan-anh/", views.dossier_feedback, name="dossier-feedback"),
    path("ho-so/<str:code>/tep/<int:pk>/", views.attachment_download, name="dossier-file"),
    path("ho-so/<str:code>/in/<slug:form>/", views.print_form, name="dossier-print"),
    # public lookup
    path("tra-cuu/", views.lookup, name="lookup"),
    # back office
    path("mot-cua/", views.backoffice_home, name="backoffice"),
    path("mot-cua/hang-doi/<slug:slug>/", views.backoffice_queue, name="backoffice-queue"),
    path("mot-cua/tim-kiem/", views.backoffice_search, name="backoffice-search"),
    path("mot-cua/doi-soat/", views.backoffice_reconcile, name="backoffice-reconcile"),
    path("mot-cua/so-theo-doi/", views.backoffice_register, name="backoffice-register"),
    path("mot-cua/tiep-nhan-truc-tiep/", views.walkin_picker, name="walkin"),
    path("mot-cua/tiep-nhan-truc-tiep/<str:code>/", views.walkin_form, name="walkin-form"),
    path("mot-cua/ho-so/<str:code>/", views.backoffice_dossier, name="backoffice-dossier"),
    path(
        "mot-cua/ho-so/<str:code>/thao-tac/<slug:action>/",
        views.dossier_action,
        name="backoffice-action",
    ),
    path(
        "mot-cua/ho-so/<str:code>/tep/<int:pk>/", views.attachment_download, name="backoffice-file"
    ),
    path("mot-cua/ho-so/<str:code>/in/<slug:form>/", views.print_form, name="backoffice-print"),
]

"""HTML routes of the document system (mounted at /van-ban/)."""

from django.urls import path

from congso.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("den/", views.incoming_list, name="incoming"),
    path("den/vao-so/", views.incoming_register, name="incoming-register"),
    path("di/", views.outgoing_list, name="outgoing"),
    path("di/soan-thao/", views.draft_create, name="draft-create"),
    path("cho-duyet/", views.to_approve, name="to-approve"),
    path("giao-cho-toi/", views.assigned_to_me, name="assigned"),
    path("qua-han/", views.overdue, name="overdue"),
    path("tim-kiem/", views.search, name="search"),
    path("kiem-tra-chu-ky/", views.verify, name="verify"),
    path("nhan-goi-tin/", views.package_upload, name="package-upload"),
    path("so/", views.books, name="books"),
    path("so/<int:book_id>/<int:year>/", views.register, name="register"),
    path("<int:document_id>/", views.detail, name="detail"),
    path("<int:document_id>/thao-tac/<slug:action>/", views.act, name="act"),
    path("<int:document_id>/phan-cong/", views.assign, name="assign"),
    path("<int:document_id>/tep/<int:file_id>/", views.file_download, name="file"),
    path("<int:document_id>/chu-ky/", views.signatures, name="signatures"),
    path("<int:document_id>/goi-tin/", views.package_download, name="package"),
    path("phan-cong/<int:assignment_id>/y-kien/", views.opinion, name="opinion"),
    path(
        "phan-cong/<int:assignment_id>/ket-thuc/", views.close_assignment, name="assignment-close"
    ),
]

from django.urls import path

from congso.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("dieu-hanh/", views.dashboard, name="dashboard"),
    path("dieu-hanh/chi-so/", views.indicators_page, name="indicators"),
    path("dieu-hanh/qua-han/", views.overdue, name="overdue"),
    path("dieu-hanh/bao-cao-thang/", views.monthly_report, name="monthly-report"),
    path("thong-ke/", views.public_statistics, name="public-statistics"),
]

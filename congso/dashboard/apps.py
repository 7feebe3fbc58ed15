from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "congso.dashboard"
    label = "dashboard"
    verbose_name = "Điều hành"

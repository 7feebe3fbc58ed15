from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

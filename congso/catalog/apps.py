from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using="default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    # A later migration that rebuilds catalog_procedure on SQLite drops its triggers; putting the
    # index back after every migrate keeps search from silently going stale.
    from congso.catalog import search

    search.ensure_index(using)


class CatalogConfig(AppConfig):
    name = "congso.catalog"
    label = "catalog"
    verbose_name = "Thủ tục hành chính"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self)

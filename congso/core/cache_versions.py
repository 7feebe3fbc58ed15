"""Named data versions kept in the cache, so readers can key caches on them.

A writer bumps a version after its transaction commits (``bump_on_commit("dossiers")``); a reader
(e.g. the dashboard's KPI cache) puts ``get("dossiers")`` into its cache keys, so every cached
entry computed before the change is ignored. This keeps the dependency direction: the writer does
not need to know who caches its data.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

_PREFIX = "congso:version:"


def get(name: str) -> int:
    key = _PREFIX + name
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, None)
        version = cache.get(key, 1)
    return int(version)


def bump(name: str) -> None:
    key = _PREFIX + name
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def bump_on_commit(name: str) -> None:
    """Bump ``name`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: bump(name))

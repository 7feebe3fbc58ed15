from __future__ import annotations

from django.db import transaction

import pytest

from congso.core import cache_versions


def test_bump_changes_the_version() -> None:
    before = cache_versions.get("things")
    cache_versions.bump("things")
    assert cache_versions.get("things") == before + 1


@pytest.mark.django_db(transaction=True)
def test_bump_on_commit_waits_for_the_commit_and_skips_rollbacks() -> None:
    before = cache_versions.get("rows")
    with pytest.raises(RuntimeError), transaction.atomic():
        cache_versions.bump_on_commit("rows")
        raise RuntimeError
    assert cache_versions.get("rows") == before
    with transaction.atomic():
        cache_versions.bump_on_commit("rows")
        assert cache_versions.get("rows") == before
    assert cache_versions.get("rows") == before + 1

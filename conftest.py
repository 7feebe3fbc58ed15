"""Shared pytest fixtures: the demo agency tree and demo accounts, API clients."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("CONGSO_TESTING", "1")


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):  # type: ignore[no-untyped-def]
    """Each test writes uploaded files under its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.DOCUMENTS_PKI_DIR = tmp_path / "var" / "pki"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False
    # Rate limits, KPI caches and calendar exceptions live in the cache: start each test clean.
    from django.core.cache import cache

    cache.clear()
    from congso.core.workdays import invalidate_exceptions_cache

    invalidate_exceptions_cache()


@pytest.fixture
def demo_people(db):  # type: ignore[no-untyped-def]
    """The demo agency tree and accounts (see congso.agencies.demo and congso.accounts.demo)."""
    from congso.accounts import demo as accounts_demo
    from congso.accounts.models import User
    from congso.agencies import demo as agencies_demo

    agencies_demo.load()
    accounts_demo.load()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(demo_people):  # type: ignore[no-untyped-def]
    """``api_as("motcua")`` → an APIClient authenticated with that demo user's bearer token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(username: str) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=demo_people[username])
        client.credentials(HTTP_AUTHORIZATION="Bearer " + token.key)
        return client

    return make


def postgres_only():  # type: ignore[no-untyped-def]
    from django.db import connection

    return pytest.mark.skipif(connection.vendor != "postgresql", reason="cần PostgreSQL")

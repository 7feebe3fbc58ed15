"""Fixtures of the documents tests: demo officers, a throw-away PKI, Vietnamese PDFs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from congso.agencies.models import Agency


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Demo accounts are created in every test; Argon2 would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officers(demo_people: dict[str, Any], settings: Any, tmp_path: Any) -> dict[str, Any]:
    """Demo officers (accounts demo + documents demo) and their certificates in a temp PKI dir."""
    from congso.documents import demo

    settings.DOCUMENTS_PKI_DIR = tmp_path / "pki"
    people = demo.ensure_officers()
    demo.ensure_pki(people)
    return people


@pytest.fixture
def agency() -> Callable[[str], Agency]:
    return lambda slug: Agency.objects.get(slug=slug)


@pytest.fixture
def vn_pdf() -> Callable[..., bytes]:
    """``vn_pdf("line", ...)`` → a one-page PDF whose text layer holds the Vietnamese lines."""
    from congso.documents.tests.factories import vietnamese_pdf

    return vietnamese_pdf

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


@pytest.fixture(scope="session")
def _rsa_pool() -> list[Any]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(12)]


@pytest.fixture(autouse=True)
def _reuse_rsa_keys(monkeypatch: pytest.MonkeyPatch, _rsa_pool: list[Any]) -> None:
    """RSA key generation is slow and random in time: hand out pre-generated keys in turn."""
    from congso.documents import signing

    counter = iter(range(10_000))
    monkeypatch.setattr(
        signing.rsa,
        "generate_private_key",
        lambda **_: _rsa_pool[next(counter) % len(_rsa_pool)],
    )


@pytest.fixture
def officers(demo_people: dict[str, Any], settings: Any, tmp_path: Any) -> dict[str, Any]:
    """Demo officers (accounts demo + documents demo) and their certificates in a temp PKI dir."""
    from congso.documents import demo

    settings.DOCUMENTS_PKI_DIR = tmp_path / "pki"
    # Transactional tests elsewhere flush the database, and with it the migration-seeded types.
    demo.ensure_document_types()
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

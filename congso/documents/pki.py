"""The platform's demo PKI: a local CA and the certificates it issues to agencies and leaders.

Everything issued here is marked DEMO (the CA is named "Công Số DEMO CA — không dùng thật"). A
real deployment imports the trust anchors of Ban Cơ yếu Chính phủ (VGCA) or NEAC as
``SigningCredential(kind=CA)`` rows without keys, and signs with tokens or remote signing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from congso.agencies.models import Agency
from congso.core import audit
from congso.documents import signing
from congso.documents.models import SigningCredential


def _row(
    issued: signing.IssuedCertificate,
    *,
    kind: str,
    key_name: str,
    issuer: SigningCredential | None = None,
    agency: Agency | None = None,
    user: Any = None,
) -> SigningCredential:
    cert = issued.certificate
    return SigningCredential.objects.create(
        kind=kind,
        agency=agency,
        user=user,
        subject=signing.subject_common_name(cert),
        serial="%X" % cert.serial_number,
        certificate_pem=issued.pem,
        issuer=issuer,
        key_file=signing.store_private_key(issued.private_key, key_name),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_demo=True,
    )


def _usable(credential: SigningCredential) -> bool:
    """Still valid, and its key file exists and opens (SECRET_KEY may have changed since)."""
    if credential.not_after <= dt.datetime.now(dt.UTC):
        return False
    if not credential.key_file:
        return True
    try:
        signing.load_private_key(credential.key_file)
    except (OSError, ValueError, TypeError):
        return False
    return True


#: The demo CA's decrypted key per key file (decryption costs ~70 ms; the loader issues many).
_ca_cache: dict[tuple[str, int], signing.IssuedCertificate] = {}


def _ca_material(ca: SigningCredential) -> signing.IssuedCertificate:
    path = signing.pki_dir() / ca.key_file
    cache_key = (str(path), path.stat().st_mtime_ns)
    if cache_key not in _ca_cache:
        _ca_cache.clear()
        _ca_cache[cache_key] = signing.IssuedCertificate(
            signing.certificate_from_pem(ca.certificate_pem), signing.load_private_key(ca.key_file)
        )
    return _ca_cache[cache_key]


@transaction.atomic
def ensure_demo_ca() -> SigningCredential:
    """The demo CA, created with its key on first use (and again if the key file was lost)."""
    ca = (
        SigningCredential.objects.filter(
            kind=SigningCredential.Kind.CA, is_demo=True, is_active=True
        )
        .exclude(key_file="")
        .order_by("-created_at")
        .first()
    )
    if ca is not None and _usable(ca):
        return ca
    if ca is not None:
        # The old root stays a trust anchor (without its lost key), so documents signed before
        # still verify; the certificates it issued can no longer sign.
        SigningCredential.objects.filter(pk=ca.pk).update(key_file="")
        SigningCredential.objects.filter(is_demo=True, is_active=True).exclude(
            kind=SigningCredential.Kind.CA
        ).update(is_active=False)
    issued = signing.create_ca(signing.DEMO_CA_NAME)
    ca = _row(issued, kind=SigningCredential.Kind.CA, key_name="demo-ca.key.pem")
    audit.record(actor=None, obj=ca, action="pki.create_ca", note=ca.subject)
    return ca


@transaction.atomic
def ensure_agency_certificate(agency: Agency) -> SigningCredential:
    """The agency's demo signing certificate (chứng thư số của cơ quan, dùng với con dấu)."""
    ca = ensure_demo_ca()
    existing = (
        SigningCredential.objects.filter(
            kind=SigningCredential.Kind.AGENCY, agency=agency, is_active=True, issuer=ca
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None and _usable(existing):
        return existing
    SigningCredential.objects.filter(
        kind=SigningCredential.Kind.AGENCY, agency=agency, is_active=True
    ).update(is_active=False)
    issued = signing.issue_certificate(
        _ca_material(ca), common_name=agency.name, organization="%s (DEMO)" % agency.name[:56]
    )
    credential = _row(
        issued,
        kind=SigningCredential.Kind.AGENCY,
        key_name="agency-%s.key.pem" % agency.slug,
        issuer=ca,
        agency=agency,
    )
    audit.record(actor=None, obj=credential, action="pki.issue", agency=agency, note=agency.name)
    return credential


@transaction.atomic
def ensure_personal_certificate(user: Any, agency: Agency, title: str = "") -> SigningCredential:
    """A leader's demo personal certificate (chứng thư số cá nhân)."""
    ca = ensure_demo_ca()
    existing = (
        SigningCredential.objects.filter(
            kind=SigningCredential.Kind.PERSONAL, user=user, is_active=True, issuer=ca
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None and _usable(existing):
        return existing
    SigningCredential.objects.filter(
        kind=SigningCredential.Kind.PERSONAL, user=user, is_active=True
    ).update(is_active=False)
    issued = signing.issue_certificate(
        _ca_material(ca),
        common_name=user.get_full_name(),
        organization="%s (DEMO)" % agency.name[:56],
        title=title,
    )
    credential = _row(
        issued,
        kind=SigningCredential.Kind.PERSONAL,
        key_name="user-%s.key.pem" % user.pk,
        issuer=ca,
        agency=agency,
        user=user,
    )
    audit.record(
        actor=None, obj=credential, action="pki.issue", agency=agency, note=credential.subject
    )
    return credential

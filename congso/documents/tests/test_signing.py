"""Digital signatures: sign, verify, tamper detection, trust, the visible stamp, key handling."""

from __future__ import annotations

import shutil
import stat
import subprocess

import pytest
from PIL import Image

from congso.core.exceptions import ApplicationError, ConflictError
from congso.documents import pki, services, signing
from congso.documents.constants import DocumentStatus, FileRole
from congso.documents.models import SigningCredential
from congso.documents.tests.factories import approved, issued_and_signed

pytestmark = pytest.mark.django_db


def test_sign_then_verify_is_valid_and_one_changed_byte_breaks_it(officers, agency):
    document = issued_and_signed(officers, agency("ubnd-tinh"))
    assert document.status == DocumentStatus.SIGNED
    signed = document.current_file()
    assert signed is not None and signed.role == FileRole.SIGNED
    data = signed.read_bytes()

    result = signing.verify_pdf(data, services.trust_roots())
    assert result.ok
    by_field = {s.field_name: s for s in result.signatures}
    assert set(by_field) == {"LanhDao", "CoQuan"}
    assert by_field["LanhDao"].signer == "Trần Quốc Bảo"
    assert by_field["CoQuan"].signer == "Ủy ban nhân dân tỉnh Hậu Giang"
    assert by_field["LanhDao"].signed_at is not None
    assert all(s.intact and s.trusted for s in result.signatures)

    issued = document.current_file(FileRole.ISSUED)
    assert issued is not None
    tampered = bytearray(data)
    tampered[len(issued.read_bytes()) // 2] ^= 0x01  # one byte inside the signed content
    broken = signing.verify_pdf(bytes(tampered), services.trust_roots())
    assert not broken.ok
    assert broken.signatures and not any(s.intact for s in broken.signatures)
    assert "thay đổi" in broken.signatures[0].verdict


def test_signature_from_an_unknown_ca_is_intact_but_untrusted(officers, agency):
    document = issued_and_signed(officers, agency("ubnd-tinh"))
    data = document.current_file().read_bytes()
    other_root = signing.create_ca("Một CA khác").pem
    result = signing.verify_pdf(data, [other_root])
    assert all(s.intact and not s.trusted for s in result.signatures)
    assert not result.ok


def test_signing_appends_an_incremental_update(officers, agency):
    document = issued_and_signed(officers, agency("ubnd-tinh"))
    issued = document.current_file(FileRole.ISSUED).read_bytes()
    signed = document.current_file(FileRole.SIGNED).read_bytes()
    assert signed.startswith(issued)


def test_leader_signs_before_the_agency(officers, agency):
    document = approved(officers, agency("ubnd-tinh"))
    document = services.document_issue(actor=officers["vanthu"], document=document)
    with pytest.raises(ConflictError):
        services.document_sign(actor=officers["vanthu"], document=document)
    services.document_sign(actor=officers["lanhdaotinh"], document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED  # waits for the agency's signature
    services.document_sign(actor=officers["vanthu"], document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED


def test_signing_without_a_certificate_is_refused_with_a_message(officers, agency):
    document = services.document_issue(
        actor=officers["vanthu"], document=approved(officers, agency("ubnd-tinh"))
    )
    SigningCredential.objects.filter(user=officers["lanhdaotinh"]).update(is_active=False)
    with pytest.raises(ApplicationError, match="chứng thư số"):
        services.document_sign(actor=officers["lanhdaotinh"], document=document)


def test_private_keys_are_files_readable_by_the_owner_only(officers):
    directory = signing.pki_dir()
    keys = list(directory.glob("*.pem"))
    assert keys
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in keys:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    ca = pki.ensure_demo_ca()
    assert "DEMO" in ca.subject and "không dùng thật" in ca.subject
    assert "PRIVATE" not in ca.certificate_pem


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="cần pdftoppm (poppler-utils)")
def test_stamp_renders_blue_signature_and_red_seal_at_the_bottom_right(officers, agency, tmp_path):
    document = issued_and_signed(officers, agency("ubnd-tinh"))
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(document.current_file().read_bytes())
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "144", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("RGB")
    assert abs(image.size[0] - 1190) <= 2 and abs(image.size[1] - 1684) <= 2

    def count(box: tuple[int, int, int, int], predicate) -> int:  # type: ignore[no-untyped-def]
        pixels = image.load()
        return sum(
            1
            for x in range(box[0], box[2])
            for y in range(box[1], box[3])
            if predicate(pixels[x, y])
        )

    def pdf_box(b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (2 * b[0], 2 * (842 - b[3]), 2 * b[2], 2 * (842 - b[1]))  # origin bottom-left

    red = count(pdf_box(signing.AGENCY_BOX), lambda p: p[0] > 150 and p[1] < 90 and p[2] < 90)
    blue = count(pdf_box(signing.PERSONAL_BOX), lambda p: p[2] - p[0] > 60 and p[2] - p[1] > 40)
    assert red > 500, "the red seal is missing from the agency signature box"
    assert blue > 100, "the blue signature block is missing"
    top_half_red = count((0, 0, 1190, 842), lambda p: p[0] > 150 and p[1] < 90 and p[2] < 90)
    assert top_half_red == 0


def test_seal_image_is_round_and_red():
    seal = signing.seal_image("Ủy ban nhân dân tỉnh Hậu Giang", size=200)
    assert seal.mode == "RGBA"
    assert seal.getpixel((0, 0))[3] == 0  # transparent corner
    r, g, _b, a = seal.getpixel((100, 100))  # star in the centre
    assert a > 0 and r > 150 and g < 60


def test_demo_pki_recovers_when_secret_key_changes(officers, agency, settings):
    from congso.documents import demo

    earlier = issued_and_signed(officers, agency("ubnd-tinh"))
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    document = services.document_issue(
        actor=officers["vanthu"], document=approved(officers, agency("ubnd-tinh"))
    )
    with pytest.raises(ApplicationError, match="khoá ký"):
        services.document_sign(actor=officers["lanhdaotinh"], document=document)
    demo.ensure_pki(officers)
    services.document_sign(actor=officers["lanhdaotinh"], document=document)
    services.document_sign(actor=officers["vanthu"], document=document)
    document.refresh_from_db()
    result = signing.verify_pdf(document.current_file().read_bytes(), services.trust_roots())
    assert document.status == DocumentStatus.SIGNED and result.ok
    # The old root remains a trust anchor: what was signed before still verifies.
    assert SigningCredential.objects.filter(kind="ca", is_active=True).count() == 2
    assert signing.verify_pdf(earlier.current_file().read_bytes(), services.trust_roots()).ok

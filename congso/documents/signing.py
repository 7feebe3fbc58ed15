"""PAdES digital signatures (chữ ký số) with pyHanko: a demo PKI, visible signing, verification.

Decree 30/2020, Appendix I §II.7–8: the competent person's signature sits at the bottom right of
the last page, between the title and the name; the agency's signature is the red seal image,
covering about a third of the person's signature on its left, with the agency name and the
signing time (ISO 8601, Vietnam time). Stamps use FreeSerif/FreeSans: pyHanko writes CID widths
in font units, and fonts with a 2048-unit em (DejaVu) come out with doubled letter spacing.

Nothing here logs or returns private keys: they are read from the PKI directory only to sign.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw, ImageFont
from pyhanko import stamp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEMO_CA_NAME = "Công Số DEMO CA — không dùng thật"

#: A4 in points; the person's signature box at the bottom right of the last page.
PAGE_WIDTH, PAGE_HEIGHT = 595, 842
PERSONAL_BOX = (330, 112, 555, 186)
#: The seal (about 36 mm) overlaps the left third of the person's signature box; the agency name
#: and the signing time are printed under it.
SEAL_SIZE = 100
AGENCY_BOX = (296, 86, 296 + SEAL_SIZE, 86 + SEAL_SIZE + 18)

RED = (0.80, 0.05, 0.05)
BLUE = (0.05, 0.15, 0.65)


# ---------------------------------------------------------------- fonts and seal image
def font_path(name: str = "FreeSerif.ttf") -> Path:
    """An embedded Unicode font: the project's copy, else Debian's fonts-freefont-ttf."""
    candidates = [
        Path(__file__).resolve().parent.parent / "core" / "fonts" / name,
        Path("/usr/share/fonts/truetype/freefont") / name,
    ]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("Không tìm thấy phông chữ %s." % name)


def seal_image(agency_name: str, size: int = 400) -> Image.Image:
    """A round red seal (demo): two rings, the agency name around, a star in the centre."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (200, 16, 16, 235)
    c = size / 2
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=max(6, size // 40))
    inner = size * 0.30
    draw.ellipse(
        (c - inner, c - inner, c + inner, c + inner), outline=red, width=max(3, size // 90)
    )
    points = []
    for i in range(10):
        radius = size * 0.13 if i % 2 == 0 else size * 0.055
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((c + radius * math.cos(angle), c + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    label = agency_name.upper()
    font = ImageFont.truetype(str(font_path("FreeSansBold.ttf")), max(10, size // 13))
    ring = size * 0.40
    span = min(2 * math.pi * 0.85, len(label) * 0.155)
    start = -math.pi / 2 - span / 2
    for i, ch in enumerate(label):
        angle = start + span * (i + 0.5) / max(1, len(label))
        glyph = Image.new("RGBA", (size // 8, size // 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size // 16, size // 16), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = c + ring * math.cos(angle) - glyph.width / 2
        y = c + ring * math.sin(angle) - glyph.height / 2
        img.alpha_composite(glyph, (int(x), int(y)))
    return img


# ---------------------------------------------------------------- PKI
@dataclass
class IssuedCertificate:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _name(common_name: str, organization: str = "", title: str = "") -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hậu Giang"),
    ]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title[:64]))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attrs)


def create_ca(common_name: str = DEMO_CA_NAME, *, valid_days: int = 3650) -> IssuedCertificate:
    """A self-signed root (trust anchor) for the demo and for tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name, "Công Số (DEMO)")
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return IssuedCertificate(cert, key)


def issue_certificate(
    ca: IssuedCertificate,
    *,
    common_name: str,
    organization: str = "",
    title: str = "",
    valid_days: int = 1095,
) -> IssuedCertificate:
    """A signing certificate (agency or person) issued by ``ca``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization, title))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.private_key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca.private_key, hashes.SHA256())
    )
    return IssuedCertificate(cert, key)


def pki_dir() -> Path:
    return Path(getattr(settings, "DOCUMENTS_PKI_DIR", None) or (settings.VAR_DIR / "pki"))


def _key_password() -> bytes:
    # Keys at rest are encrypted with a secret derived from SECRET_KEY; the file mode is 0600.
    return hashlib.sha256(("congso-pki:" + settings.SECRET_KEY).encode()).hexdigest().encode()


def store_private_key(key: rsa.RSAPrivateKey, name: str) -> str:
    """Write ``key`` encrypted to the PKI directory (mode 0600) and return its file name."""
    directory = pki_dir()
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_key_password()),
    )
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    path.chmod(0o600)
    return name


def load_private_key(name: str) -> rsa.RSAPrivateKey:
    path = pki_dir() / Path(name).name
    key = serialization.load_pem_private_key(path.read_bytes(), password=_key_password())
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("only RSA signing keys are supported")
    return key


def certificate_from_pem(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def subject_common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else cert.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


# ---------------------------------------------------------------- signing
@dataclass
class SigningRequest:
    """What to sign with and how the visible block looks."""

    certificate_pem: str
    key_file: str
    chain_pems: list[str]
    field_name: str
    stamp_text: str
    box: tuple[int, int, int, int]
    reason: str = ""
    location: str = "Hậu Giang"
    seal_for: str = ""  # agency name: draw the red seal under the text
    color: tuple[float, float, float] = BLUE


def _register_fonts() -> None:
    for name, file in (
        ("CongSoSerif", "FreeSerif.ttf"),
        ("CongSoSerifItalic", "FreeSerifItalic.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(file))))


def render_stamp(request: SigningRequest) -> bytes:
    """The visible appearance of a signature as a one-page PDF of the box's size.

    reportlab embeds a subset of the TrueType font, so Vietnamese text renders in any viewer.
    """
    _register_fonts()
    width = request.box[2] - request.box[0]
    height = request.box[3] - request.box[1]
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    lines = [line for line in request.stamp_text.splitlines() if line.strip()]
    if request.seal_for:
        seal = seal_image(request.seal_for)
        side = min(width, height - 18)
        pdf.drawImage(ImageReader(seal), (width - side) / 2, height - side, side, side, mask="auto")
        pdf.setFillColorRGB(*request.color)
        pdf.setFont("CongSoSerif", 5.5)
        y = 2 + 6.5 * (len(lines[:2]) - 1)
        for line in lines[:2]:
            pdf.drawCentredString(width / 2, y, line)
            y -= 6.5
    else:
        pdf.setStrokeColorRGB(*request.color)
        pdf.setFillColorRGB(*request.color)
        pdf.setLineWidth(0.8)
        pdf.roundRect(1, 1, width - 2, height - 2, 6)
        size = 8.5
        y = height - 14
        for index, line in enumerate(lines):
            pdf.setFont(
                "CongSoSerifItalic" if index == 0 else "CongSoSerif",
                size + (1 if index == 0 else 0),
            )
            pdf.drawCentredString(width / 2, y, line[:70])
            y -= size + 3
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def page_count(data: bytes) -> int:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return int(reader.root["/Pages"]["/Count"])


def sign_pdf(data: bytes, request: SigningRequest, *, page: int = -1) -> bytes:
    """Sign ``data`` (an incremental update; the original bytes stay a prefix of the result)."""
    cert = certificate_from_pem(request.certificate_pem)
    key = load_private_key(request.key_file)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = [_asn1_cert(certificate_from_pem(p)) for p in request.chain_pems]
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    on_page = page if page >= 0 else page_count(data) + page
    with tempfile.TemporaryDirectory(prefix="congso-stamp-") as tmp:
        appearance = Path(tmp) / "stamp.pdf"
        appearance.write_bytes(render_stamp(request))
        style = stamp.StaticStampStyle.from_pdf_file(str(appearance), border_width=0)
        meta = signers.PdfSignatureMetadata(
            field_name=request.field_name,
            reason=request.reason or None,
            location=request.location or None,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(
                request.field_name, on_page=on_page, box=request.box
            ),
        )
        out = pdf_signer.sign_pdf(writer)
        return out.getvalue()


# ---------------------------------------------------------------- verification
@dataclass
class SignatureReport:
    """The verification result of one signature, ready to show or store."""

    field_name: str
    signer: str = ""
    issuer: str = ""
    serial: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False
    trusted: bool = False
    valid: bool = False
    coverage: str = ""
    modification_level: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted

    @property
    def verdict(self) -> str:
        if not self.intact:
            return "Văn bản đã bị thay đổi sau khi ký (chữ ký không còn toàn vẹn)."
        if not self.valid:
            return "Chữ ký không hợp lệ."
        if not self.trusted:
            return "Chữ ký toàn vẹn nhưng chứng thư số không thuộc tổ chức chứng thực tin cậy."
        return "Chữ ký hợp lệ, văn bản toàn vẹn."


@dataclass
class VerificationResult:
    signatures: list[SignatureReport]
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.ok for s in self.signatures)


def _quiet_pyhanko() -> None:
    # pyHanko logs path-building tracebacks at WARNING for untrusted chains; the result object
    # carries the same information, so keep those out of the application log.
    for name in ("pyhanko", "pyhanko_certvalidator", "pyhanko.sign.validation"):
        logging.getLogger(name).setLevel(logging.ERROR)


def signature_field_names(data: bytes) -> set[str]:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return {str(sig.field_name) for sig in reader.embedded_signatures}


def verify_pdf(data: bytes, trust_roots_pem: list[str]) -> VerificationResult:
    """Verify every embedded signature of a PDF against the given trust anchors (offline)."""
    _quiet_pyhanko()
    roots = [_asn1_cert(certificate_from_pem(p)) for p in trust_roots_pem]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # a damaged file: pyHanko raises many different errors
        return VerificationResult([], error="Tệp PDF bị hỏng hoặc không đọc được.")
    reports: list[SignatureReport] = []
    for sig in embedded:
        report = SignatureReport(field_name=str(sig.field_name))
        try:
            cert = sig.signer_cert
            report.signer = str(cert.subject.native.get("common_name", cert.subject.human_friendly))
            report.issuer = str(cert.issuer.native.get("common_name", cert.issuer.human_friendly))
            report.serial = "%X" % cert.serial_number
            report.signed_at = sig.self_reported_timestamp
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = validate_pdf_signature(sig, signer_validation_context=context)
            report.intact = bool(status.intact)
            report.valid = bool(status.valid)
            report.trusted = bool(status.trusted)
            report.coverage = status.coverage.name if status.coverage else ""
            level = status.modification_level
            report.modification_level = level.name if level is not None else ""
            if status.docmdp_ok is False:
                report.problems.append("Có thay đổi không được phép sau khi ký.")
        except Exception as exc:  # a broken signature structure is a failed check, not a 500
            report.problems.append("Không kiểm tra được chữ ký (%s)." % type(exc).__name__)
        reports.append(report)
    if not reports:
        return VerificationResult([], error="Tệp không có chữ ký số.")
    return VerificationResult(reports)

"""Text of uploaded PDFs: the text layer with pypdf, OCR with Tesseract when there is none.

OCR runs only when a page has (almost) no text layer *and* the ``tesseract`` and ``pdftoppm``
programs are installed, so the platform works without them. Pages are rendered to images in a
temporary directory and read with the Vietnamese model (``-l vie``); the original PDF is never
modified (OCRmyPDF would rewrite it, and refuses signed files anyway): the text is stored beside.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from congso.core.exceptions import ApplicationError
from congso.core.vntext import nfc

logger = logging.getLogger(__name__)

#: A page with fewer letters than this is treated as a scan without a text layer.
MIN_LETTERS_PER_PAGE = 20
OCR_TIMEOUT_SECONDS = 120
OCR_MAX_PAGES = 30


@dataclass
class PdfInfo:
    page_count: int
    pages_text: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(t for t in self.pages_text if t)

    @property
    def needs_ocr(self) -> bool:
        return any(
            sum(ch.isalpha() for ch in page) < MIN_LETTERS_PER_PAGE for page in self.pages_text
        )


def read_pdf(data: bytes) -> PdfInfo:
    """Open ``data`` as a PDF and extract the text of each page (NFC).

    Raises :class:`ApplicationError` with a Vietnamese message when it is not a readable PDF.
    """
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise ApplicationError("Tệp tải lên không phải là tệp PDF.", {"fields": {"file": ["pdf"]}})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ApplicationError("Tệp PDF đang được đặt mật khẩu, không thể đọc nội dung.")
        texts = []
        for page in reader.pages:
            try:
                texts.append(nfc(page.extract_text() or "").strip())
            except Exception:  # one odd page must not reject the whole document
                texts.append("")
    except ApplicationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ApplicationError(
            "Tệp PDF bị hỏng hoặc không đọc được.", {"fields": {"file": [type(exc).__name__]}}
        ) from exc
    if not texts:
        raise ApplicationError("Tệp PDF không có trang nào.")
    return PdfInfo(page_count=len(texts), pages_text=texts)


def ocr_available() -> bool:
    return bool(shutil.which("tesseract") and shutil.which("pdftoppm"))


def ocr_pdf(data: bytes, *, language: str = "vie", dpi: int = 300) -> str:
    """Recognise the text of every page (empty string when OCR is not available or fails)."""
    tesseract, pdftoppm = shutil.which("tesseract"), shutil.which("pdftoppm")
    if not tesseract or not pdftoppm:
        return ""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="congso-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603
                [
                    pdftoppm,
                    "-r",
                    str(dpi),
                    "-gray",
                    "-png",
                    "-l",
                    str(OCR_MAX_PAGES),
                    str(source),
                    str(Path(tmp) / "page"),
                ],
                check=True,
                timeout=OCR_TIMEOUT_SECONDS,
                capture_output=True,
            )
            texts = []
            for image in sorted(Path(tmp).glob("page*.png")):
                result = subprocess.run(  # noqa: S603
                    [tesseract, str(image), "stdout", "-l", language],
                    check=True,
                    timeout=OCR_TIMEOUT_SECONDS,
                    capture_output=True,
                    env=env,
                )
                texts.append(nfc(result.stdout.decode("utf-8", "replace")).strip())
        except (subprocess.SubprocessError, OSError) as exc:
            logger.warning("OCR failed: %s", type(exc).__name__)
            return ""
    return "\n\n".join(t for t in texts if t)

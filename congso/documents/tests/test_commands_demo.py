"""Management commands, the admin pages and the demo loader."""

from __future__ import annotations

import io
import time

from django.core.management import call_command
from django.test import Client

import pytest

from congso.documents import selectors
from congso.documents.constants import DocumentStatus, FileRole
from congso.documents.models import Document, SigningCredential
from congso.documents.tests.factories import issued_and_signed, register_incoming

pytestmark = pytest.mark.django_db


def test_reindex_rebuilds_search(officers, agency):
    document = register_incoming(
        officers["vanthu"], agency("ubnd-tinh"), summary="Lễ hội Ok Om Bok"
    )
    out = io.StringIO()
    call_command("reindex_documents", stdout=out)
    assert "1 văn bản" in out.getvalue()
    page = selectors.document_search(
        actor=officers["vanthu"], filters=selectors.SearchFilters(q="le hoi")
    )
    assert page.results == [document]


def test_verify_signatures_reports_intact_files(officers, agency):
    issued_and_signed(officers, agency("ubnd-tinh"))
    out = io.StringIO()
    call_command("verify_signatures", stdout=out)
    assert "0 tệp lỗi" in out.getvalue()


def test_admin_pages_render_without_keys(officers, agency, demo_people):
    document = issued_and_signed(officers, agency("ubnd-tinh"))
    client = Client()
    client.force_login(demo_people["admin"])
    for url in [
        "/quan-tri/documents/document/",
        "/quan-tri/documents/document/%d/change/" % document.pk,
        "/quan-tri/documents/documenttype/",
        "/quan-tri/documents/documentbook/",
        "/quan-tri/documents/signingcredential/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    credential = SigningCredential.objects.filter(kind="agency").first()
    page = client.get("/quan-tri/documents/signingcredential/%d/change/" % credential.pk)
    assert page.status_code == 200 and credential.key_file not in page.content.decode()


def test_demo_loads_fast_idempotently_and_covers_the_workflow(demo_people, settings, tmp_path):
    from congso.documents import demo

    settings.DOCUMENTS_PKI_DIR = tmp_path / "pki"
    started = time.monotonic()
    demo.load()
    # About 2 s on an idle 2-core machine; the bound only catches a pathological regression
    # (CI machines run several suites at once).
    assert time.monotonic() - started < 60
    count = Document.objects.count()
    assert count >= 30
    demo.load()
    assert Document.objects.count() == count
    statuses = set(Document.objects.values_list("status", flat=True))
    assert {DocumentStatus.DRAFT, DocumentStatus.SUBMITTED, DocumentStatus.SENT} <= statuses
    received = Document.objects.filter(source_document__isnull=False)
    assert received.exists()
    assert all(d.current_file(FileRole.ORIGINAL) is not None for d in received)
    assert Document.objects.confidential().exists()

"""Admin for the document system: configuration data (types, books, trust anchors) and read-only
views of documents. Documents change only through the services, so the admin does not edit them.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from congso.documents.models import (
    Assignment,
    Document,
    DocumentBook,
    DocumentFile,
    DocumentType,
    SigningCredential,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "abbreviation", "code"]


@admin.register(DocumentBook)
class DocumentBookAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "direction", "is_confidential", "is_active"]
    list_filter = ["direction", "is_confidential", "is_active"]
    search_fields = ["name", "agency__name"]
    raw_id_fields = ["agency"]
    filter_horizontal = ["doc_types"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FileInline(admin.TabularInline):
    model = DocumentFile
    fields = ("role", "name", "size", "sha256", "created_at")
    readonly_fields = ("role", "name", "size", "sha256", "created_at")
    extra = 0
    can_delete = False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("role", "unit", "user", "deadline", "status", "closed_at")
    readonly_fields = ("role", "unit", "user", "deadline", "status", "closed_at")
    extra = 0
    can_delete = False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "direction", "agency", "doc_type", "status", "confidentiality"]
    list_filter = ["direction", "status", "confidentiality", "urgency", "doc_type"]
    search_fields = ["symbol", "original_symbol", "summary"]
    list_select_related = ["agency", "doc_type"]
    exclude = ["search_vector", "extracted_text"]
    inlines = [FileInline, AssignmentInline]


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    """Trust anchors may be added (paste the CA certificate); keys are never shown here."""

    list_display = ["subject", "kind", "agency", "user", "not_after", "is_demo", "is_active"]
    list_filter = ["kind", "is_demo", "is_active"]
    search_fields = ["subject", "serial"]
    exclude = ["key_file"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["agency", "user", "issuer"]

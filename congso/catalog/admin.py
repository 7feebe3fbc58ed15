"""Catalog administration: procedures with their fees and documents, versioned (history)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from simple_history.admin import SimpleHistoryAdmin

from congso.catalog import excel, selectors, services
from congso.catalog.models import Fee, Field, Procedure, RequiredDocument
from congso.core.audit import client_ip


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    fields = ["position", "case", "amount", "kind"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = [
        "position",
        "name",
        "original_or_copy",
        "copies",
        "mandatory",
        "condition",
        "template_name",
        "template_file",
    ]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Field, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The field's name is part of its procedures' search text.
            services.field_refresh_search(obj)


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "level",
        "processing_time_value",
        "processing_time_unit",
        "online_level",
        "is_active",
        "updated_at",
    ]
    list_filter = [
        "is_active",
        "level",
        "online_level",
        "processing_time_unit",
        "field",
        "receiving_agencies",
    ]
    search_fields = ["code", "name", "name_folded", "competent_agency"]
    list_select_related = ["field"]
    filter_horizontal = ["receiving_agencies"]
    readonly_fields = ["updated_at"]
    inlines = [RequiredDocumentInline, FeeInline]
    actions = ["export_xlsx"]
    history_list_display = ["name", "processing_time_value", "is_active"]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "is_active", "popularity"]}),
        ("Cơ quan", {"fields": ["competent_agency", "receiving_agencies"]}),
        (
            "Thời hạn giải quyết",
            {"fields": ["processing_time_value", "processing_time_unit", "processing_time_note"]},
        ),
        (
            "Nội dung",
            {
                "fields": [
                    "steps",
                    "who_may_apply",
                    "conditions",
                    "result",
                    "legal_basis",
                    "online_level",
                    "synonyms",
                    "form",
                    "source_note",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Audited once everything (fields, agencies, documents, fees) is saved.
        changed = list(form.changed_data) + [
            formset.prefix for formset in formsets if formset.has_changed()
        ]
        services.procedure_record_admin_change(
            actor=request.user,
            procedure=form.instance,
            created=not change,
            changed=changed,
            ip_address=client_ip(request),
        )

    @admin.action(description="Xuất các thủ tục đã chọn ra Excel (.xlsx)")
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        buffer = io.BytesIO()
        excel.write_workbook(selectors.procedure_export_records(queryset), buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = "thu-tuc-%s.xlsx" % timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = 'attachment; filename="%s"' % name
        self.message_user(request, "Đã xuất %d thủ tục." % queryset.count(), messages.SUCCESS)
        return response

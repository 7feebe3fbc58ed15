"""Catalog administration: procedures with their fees and documents, versioned (history)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from simple_history.admin import SimpleHistoryAdmin

from congso.catalog import excel, files, selectors, services
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


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh mục (.xlsx hoặc .json)",
        help_text="Tệp xuất bằng nút «Xuất Excel» hoặc lệnh export_procedures, đã sửa bằng Excel.",
    )
    check_only = forms.BooleanField(label="Chỉ kiểm tra, chưa nhập", required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            files.file_format(upload.name)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError("Tệp quá lớn (tối đa %d MB)." % (limit // (1024 * 1024)))
        return upload


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
    change_list_template = "admin/catalog/procedure/change_list.html"
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

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "nhap/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_procedure_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a catalog file: everything is checked first; any problem → nothing changes."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[Any] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            records, found = files.read_records(upload, upload.name)
            if form.cleaned_data["check_only"]:
                cleaned, problems = services.procedure_validate(records, problems=found)
                if not problems:
                    self.message_user(
                        request, "Tệp hợp lệ: %d thủ tục, chưa nhập." % len(cleaned), messages.INFO
                    )
            else:
                try:
                    report = services.procedure_import(
                        records, actor=request.user, source=upload.name, problems=found
                    )
                except services.CatalogImportError as exc:
                    problems = exc.problems
                else:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    return redirect(reverse("admin:catalog_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Nhập danh mục thủ tục từ Excel hoặc JSON",
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)

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

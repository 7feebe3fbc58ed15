"""Admin: dossiers are read-only here (every change goes through the workflow services);
feedback can be answered."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congso.dossiers import services
from congso.dossiers.models import (
    ApologyLetter,
    Dossier,
    DossierAttachment,
    DossierStep,
    Feedback,
    Payment,
    Rating,
    SupplementRequest,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepInline(_ReadOnlyInline):
    model = DossierStep
    fields = ("at", "action", "from_status", "to_status", "actor_name", "agency", "note")
    readonly_fields = fields


class AttachmentInline(_ReadOnlyInline):
    model = DossierAttachment
    fields = ("slot", "kind", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "procedure",
        "agency",
        "status",
        "channel",
        "received_at",
        "due_at",
        "is_late_flag",
    )
    list_filter = ("status", "channel", "rule_set", "is_late_flag", "agency")
    search_fields = ("code", "applicant_name", "applicant_personal_id", "applicant_phone")
    date_hierarchy = "received_at"
    list_select_related = ("procedure", "agency")
    inlines = [StepInline, AttachmentInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dossier._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("name", "dossier", "agency", "created_at", "answered_at")
    list_filter = ("agency",)
    search_fields = ("name", "phone", "content", "dossier__code")
    readonly_fields = (
        "dossier",
        "agency",
        "author",
        "name",
        "phone",
        "email",
        "content",
        "created_at",
        "answered_at",
        "answered_by",
    )
    fields = (*readonly_fields, "answer")

    def save_model(self, request: HttpRequest, obj: Feedback, form: Any, change: bool) -> None:
        if "answer" in form.changed_data and obj.answer.strip():
            services.feedback_answer(actor=request.user, feedback=obj, answer=obj.answer)
        else:
            super().save_model(request, obj, form, change)


for model in (SupplementRequest, ApologyLetter, Rating, Payment):

    @admin.register(model)
    class _ReadOnlyAdmin(admin.ModelAdmin):
        def has_add_permission(self, request: HttpRequest) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

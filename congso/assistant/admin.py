"""Admin: the synonym table staff maintain, and the anonymised question log with feedback."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from congso.assistant import lexicon
from congso.assistant.models import QuestionLog, Synonym
from congso.core import audit


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "expansion", "procedure", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("term", "term_folded", "expansion", "procedure__name", "procedure__code")
    raw_id_fields = ("procedure",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    fields = (
        "term",
        "expansion",
        "procedure",
        "is_active",
        "note",
        "created_by",
        "created_at",
        "updated_at",
    )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        extra_context = dict(extra_context or {})
        extra_context["title"] = (
            "Từ đồng nghĩa (ngoài %d từ có sẵn của hệ thống; tạo một dòng cùng cách gọi và bỏ "
            "chọn “đang dùng” để tắt từ có sẵn)" % len(lexicon.DEFAULT_SYNONYMS)
        )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            obj=obj,
            action="synonym_change" if change else "synonym_create",
            note="%s → %s" % (obj.term, obj.expansion or (obj.procedure or "")),
            data={"is_active": obj.is_active},
        )

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        audit.record(actor=request.user, obj=obj, action="synonym_delete", note=obj.term)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Synonym]) -> None:
        for obj in queryset:
            audit.record(actor=request.user, obj=obj, action="synonym_delete", note=obj.term)
        super().delete_queryset(request, queryset)


@admin.register(QuestionLog)
class QuestionLogAdmin(admin.ModelAdmin):
    """Read-only: questions are stored anonymised and are evidence for the synonym table."""

    list_display = (
        "asked_at",
        "question",
        "intent",
        "aspect",
        "answered",
        "feedback",
        "elapsed_ms",
    )
    list_filter = ("feedback", "intent", "answered", "channel", "asked_at")
    search_fields = ("question", "normalised")
    date_hierarchy = "asked_at"
    readonly_fields = [f.name for f in QuestionLog._meta.fields]
    actions = ["make_synonym"]

    @admin.action(description="Thêm từ đồng nghĩa từ câu hỏi đã chọn")
    def make_synonym(self, request: HttpRequest, queryset: QuerySet[QuestionLog]) -> Any:
        """Open the synonym form pre-filled with the (anonymised) question, to be shortened to
        the words people used and mapped to the catalog's wording."""
        entry = queryset.order_by("-asked_at").first()
        if entry is None:
            return None
        url = reverse("admin:assistant_synonym_add")
        return HttpResponseRedirect("%s?%s" % (url, urlencode({"term": entry.question[:200]})))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

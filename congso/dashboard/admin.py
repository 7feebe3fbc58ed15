"""Admin: indicators and their figures (computed comparisons shown read-only), Excel import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from congso.core.exceptions import ApplicationError
from congso.dashboard.models import Indicator, IndicatorValue
from congso.dashboard.services import (
    can_edit_indicators,
    indicator_value_save,
    indicators_import_xlsx,
)


def _pct(value: Any) -> str:
    return "—" if value is None else ("%.1f %%" % value).replace(".", ",")


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = [
        "period_type",
        "year",
        "number",
        "value",
        "plan_target",
        "same_period_last_year",
        "is_demo",
    ]
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "group", "parent", "order"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = [
        "indicator",
        "period_label",
        "value",
        "plan_target",
        "plan_pct_display",
        "same_period_last_year",
        "growth_pct_display",
        "is_demo",
    ]
    list_filter = ["period_type", "year", "is_demo", "indicator__group"]
    search_fields = ["indicator__name", "indicator__code"]
    list_select_related = ["indicator"]
    readonly_fields = ["plan_pct_display", "growth_pct_display", "updated_at", "updated_by"]
    fields = [
        "indicator",
        "period_type",
        "year",
        "number",
        "value",
        "plan_target",
        "plan_pct_display",
        "same_period_last_year",
        "growth_pct_display",
        "source",
        "note",
        "is_demo",
        "updated_at",
        "updated_by",
    ]
    change_list_template = "admin/dashboard/indicatorvalue/change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The period identifies the row; changing it would be a different figure.
            fields += ["indicator", "period_type", "year", "number"]
        return fields

    @admin.display(description="% kế hoạch (tính)")
    def plan_pct_display(self, obj: IndicatorValue) -> str:
        return _pct(obj.plan_pct)

    @admin.display(description="Tăng trưởng so cùng kỳ (tính)")
    def growth_pct_display(self, obj: IndicatorValue) -> str:
        return _pct(obj.growth_pct)

    def save_model(
        self, request: HttpRequest, obj: IndicatorValue, form: Any, change: bool
    ) -> None:
        # Through the service, so that the change is audited like any other entry.
        try:
            saved, _ = indicator_value_save(
                actor=request.user,
                indicator=obj.indicator,
                period_type=obj.period_type,
                year=obj.year,
                number=obj.number,
                value=obj.value,
                plan_target=obj.plan_target,
                same_period_last_year=obj.same_period_last_year,
                source=obj.source,
                note=obj.note,
                is_demo=obj.is_demo,
            )
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk

    def get_urls(self) -> list:
        return [
            path(
                "nhap-excel/",
                self.admin_site.admin_view(self.import_view),
                name="dashboard_indicatorvalue_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_edit_indicators(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                report = indicators_import_xlsx(actor=request.user, file=form.cleaned_data["file"])
            except ApplicationError as exc:
                messages.error(request, exc.message)
                errors = list(exc.extra.get("errors", []))
            else:
                messages.success(request, report.summary)
                return redirect("admin:dashboard_indicatorvalue_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "title": "Nhập số liệu chỉ tiêu từ Excel",
        }
        return render(request, "admin/dashboard/indicatorvalue/import.html", context)

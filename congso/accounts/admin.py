from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from congso.accounts.models import User
from congso.agencies.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "personal_id", "phone", "is_active"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "personal_id", "phone", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Thông tin công dân",
            {"fields": ("kind", "full_name", "personal_id", "phone", "address", "date_of_birth")},
        ),
    )
    inlines = [MembershipInline]

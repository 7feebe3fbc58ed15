from django.contrib import admin

from congso.agencies.models import Agency, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "abbreviation", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "slug", "abbreviation"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]

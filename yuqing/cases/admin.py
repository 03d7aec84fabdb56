"""Django admin for the case tables: the settings for the rare fix by hand, cases for looking.

Cases change only through :mod:`yuqing.cases.actions`, which keeps the timeline and the
deadlines consistent, so the admin shows them read-only; levels, categories and rules have
their own settings pages too.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from yuqing.cases.models import Case, CaseAction, CaseLevel, Category, RoutingRule


@admin.register(CaseLevel)
class CaseLevelAdmin(admin.ModelAdmin):
    list_display = ("rank", "name", "respond_within", "resolve_within")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "path", "description")
    search_fields = ("name",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("priority", "name", "category", "region_prefix", "unit", "enabled")
    list_filter = ("enabled",)
    autocomplete_fields = ("unit",)


class CaseActionInline(admin.TabularInline):
    model = CaseAction
    fields = ("at", "kind", "user", "text", "link")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "level", "status", "unit", "assignee", "opened_at")
    list_filter = ("status", "level")
    search_fields = ("title",)
    inlines = [CaseActionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

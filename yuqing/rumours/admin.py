"""Django admin for the rumour base: entries and wordings editable, matches for looking.

Matches are written by the matcher and decided on the review page (which also teaches the
matcher); the admin can view and delete them but not change a decision behind its back.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from yuqing.rumours.models import Debunk, RumourMatch, Variant


@admin.register(Debunk)
class DebunkAdmin(admin.ModelAdmin):
    list_display = ("claim", "verdict", "source_name", "date", "topic", "origin", "active")
    list_filter = ("verdict", "origin", "active")
    search_fields = ("claim", "explanation", "external_id")
    readonly_fields = ("backfilled_at",)


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("text", "debunk", "created_at")
    search_fields = ("text",)
    raw_id_fields = ("debunk", "match")


@admin.register(RumourMatch)
class RumourMatchAdmin(admin.ModelAdmin):
    list_display = ("item", "debunk", "score", "status", "refutes", "created_at")
    list_filter = ("status", "refutes")
    raw_id_fields = ("item", "debunk", "reviewed_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

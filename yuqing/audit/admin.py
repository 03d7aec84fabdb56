from django.contrib import admin
from django.http import HttpRequest

from yuqing.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the platform, never edited by hand."""

    list_display = ("at", "username", "channel", "action", "model", "object_repr", "request_id")
    list_filter = ("action", "channel", "model")
    search_fields = ("username", "object_repr", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

from django.contrib import admin
from django.http import HttpRequest

from yuqing.server.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """Read-only: the state is the scheduler's to write; administrators only look."""

    list_display = ("name", "next_due", "running_since", "last_started_at", "last_duration")
    readonly_fields = ("name", "next_due", "running_since", "last_started_at", "last_duration",
                       "last_error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest,
                              obj: ScheduledJob | None = None) -> bool:
        return False

"""Django admin for sources and tokens; items and import runs are for looking, not editing.

Items and import runs are written by the ingest pipeline only (natural keys, fingerprints and
pseudonyms must stay consistent), so the admin can view them — and delete an item that must
be taken down — but not add or change them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from yuqing.collect.models import (
    ApiToken,
    CredibilityTier,
    FetchRun,
    HostPolicy,
    ImportRun,
    Item,
    Source,
)


@admin.register(CredibilityTier)
class CredibilityTierAdmin(admin.ModelAdmin):
    list_display = ("rank", "code", "name")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Sources are managed on their own pages (with checked settings and a test fetch);
    the admin is for the rare fix by hand."""

    list_display = ("name", "platform", "kind", "unit", "tier", "region", "schedule", "enabled")
    list_filter = ("platform", "kind", "enabled", "tier")
    search_fields = ("name", "url")
    autocomplete_fields = ("unit",)


@admin.register(HostPolicy)
class HostPolicyAdmin(admin.ModelAdmin):
    """Faster (or slower) collection from one host: an office's own site, a partner."""

    list_display = ("host", "delay_ms", "concurrency", "note")
    search_fields = ("host", "note")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Adding a token issues a secret and shows it once; afterwards only the prefix exists."""

    list_display = ("prefix", "name", "source", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("prefix", "name", "source__name")
    list_select_related = ("source",)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("source", "name")
        return ("source", "name", "prefix", "created_at", "last_used_at", "revoked")

    def get_readonly_fields(self, request: HttpRequest,
                            obj: ApiToken | None = None) -> tuple[str, ...]:
        return () if obj is None else ("source", "prefix", "created_at", "last_used_at")

    def save_model(self, request: HttpRequest, obj: ApiToken, form: ModelForm,
                   change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = ApiToken.issue(obj.source, obj.name)
        # The admin goes on to log and redirect to ``obj``: make it the issued token.
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        obj.created_at = token.created_at
        messages.warning(request, _("Token secret, shown only now — copy it: %(secret)s")
                         % {"secret": secret})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "platform", "kind", "source", "unit", "published_at", "likes",
                    "author_display")
    list_filter = ("platform", "kind", "source", "unit")
    search_fields = ("title", "text", "external_id", "natural_key")
    list_select_related = ("source", "unit")
    date_hierarchy = "published_at"
    #: Counting a large item table on every page costs more than the number is worth.
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "preset", "source", "user", "read", "inserted", "updated",
                    "unchanged", "rejected")
    list_filter = ("preset",)
    list_select_related = ("source", "user")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FetchRun)
class FetchRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "source", "outcome", "requests", "not_modified", "skipped",
                    "inserted", "updated", "rejected")
    list_filter = ("outcome",)
    list_select_related = ("source",)
    date_hierarchy = "started_at"

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    IMPORT = "import", _("import")
    PUSH = "push", _("push API")
    EXPORT = "export", _("export")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    VIEW = "view", _("view")
    COLLECT = "collect", _("collect")


class AuditEntry(models.Model):
    """One write or export. Entries of one request share ``request_id``."""

    request_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+")
    #: Kept even if the user is deleted later.
    username = models.CharField(max_length=150, blank=True)
    #: "web", "api", "cli" or "system": where the change came from.
    channel = models.CharField(max_length=16, default="system")
    action = models.CharField(max_length=16, choices=Action.choices)
    model = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    #: For updates ``{"field": [old, new]}``; for events, the figures (counts, filters, file).
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.model}"

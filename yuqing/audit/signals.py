"""Record creates, updates and deletes of the platform's own models and of users.

Signals catch writes made anywhere — the actions layer, the web UI, Django's admin — so no
path can skip the log. Bulk writes (imports, the push API) do not fire signals; their actions
record one summary entry per run instead of one per item.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from yuqing.audit.models import Action, AuditEntry
from yuqing.audit.record import record

#: Fields never copied into the log (secrets, or noise that changes on every login).
SKIP_FIELDS = frozenset({"password", "last_login", "key_hash", "raw", "updated_at"})
_AUDITED_APPS = ("orgs", "collect", "rumours", "alerts", "cases")


def _snapshot(instance: models.Model) -> dict[str, Any]:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in SKIP_FIELDS
    }


def _pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old) if old else None  # type: ignore[attr-defined]


def _post_save(sender: type[models.Model], instance: models.Model, created: bool,
               **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        record(Action.CREATE, obj=instance, details={"fields": after})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        record(Action.UPDATE, obj=instance, details={"changes": changes})


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(Action.DELETE, obj=instance, details={"fields": _snapshot(instance)})


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, obj=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, obj=user)


def connect() -> None:
    for app_label in _AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            # Bookkeeping rows (a source's fetch state, per-day counters) set
            # ``audit_exempt``: logging them would bury the entries people need.
            if model is AuditEntry or getattr(model, "audit_exempt", False):
                continue
            uid = f"audit-{model._meta.label}"
            pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
            post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
            post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")

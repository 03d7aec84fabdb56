"""Write audit entries. The only place that creates :class:`AuditEntry` rows."""

from __future__ import annotations

from typing import Any

from django.db import models

from yuqing.audit.context import current
from yuqing.audit.models import Action, AuditEntry


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return str(value)


def record(
    action: Action,
    *,
    obj: models.Model | None = None,
    model: str = "",
    object_id: str = "",
    object_repr: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    ctx = current()
    user = ctx.user if getattr(ctx.user, "is_authenticated", False) else None
    if obj is not None:
        model = model or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEntry.objects.create(
        request_id=ctx.request_id,
        user=user,
        username=user.get_username() if user else "",
        channel=ctx.channel,
        action=action,
        model=model,
        object_id=object_id,
        object_repr=object_repr[:200],
        details=_json_safe(details or {}),
    )

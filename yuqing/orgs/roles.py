"""Roles and what each may do.

Permissions are checked on every view and API call through :func:`has_perm`; menus only
reflect them. Kept as data (not Django's per-user permission rows) so a role means the same
thing in every deployment and can be audited by reading this file.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ANALYST = "analyst", _("Analyst")
    HANDLER = "handler", _("Handler")
    REPORTER = "reporter", _("Unit reporter")
    VIEWER = "viewer", _("Leader / viewer")


ALL = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "items.view": ALL,
    "items.export": frozenset({Role.ADMIN, Role.ANALYST}),
    "items.import": frozenset({Role.ADMIN, Role.ANALYST}),
    "sources.view": ALL,
    "sources.manage": frozenset({Role.ADMIN, Role.ANALYST}),
    "labels.correct": frozenset({Role.ADMIN, Role.ANALYST}),
    "events.view": ALL,
    "events.edit": frozenset({Role.ADMIN, Role.ANALYST}),
    "schemes.manage": frozenset({Role.ADMIN, Role.ANALYST}),
    "alerts.view": ALL,
    "alerts.ack": frozenset({Role.ADMIN, Role.ANALYST, Role.HANDLER}),
    "rules.manage": frozenset({Role.ADMIN, Role.ANALYST}),
    "channels.manage": frozenset({Role.ADMIN}),
    "notifications.view": ALL,
    "rumours.view": ALL,
    "rumours.manage": frozenset({Role.ADMIN, Role.ANALYST}),
    "cases.view": ALL,
    "cases.open": frozenset({Role.ADMIN, Role.ANALYST}),
    "cases.handle": frozenset({Role.ADMIN, Role.ANALYST, Role.HANDLER}),
    "cases.manage": frozenset({Role.ADMIN}),
    "search.use": ALL,
    "dashboard.view": ALL,
    "reports.view": ALL,
    "reports.generate": frozenset({Role.ADMIN, Role.ANALYST, Role.REPORTER}),
    "reports.manage": frozenset({Role.ADMIN, Role.ANALYST}),
    "audit.view": frozenset({Role.ADMIN}),
    "orgs.manage": frozenset({Role.ADMIN}),
}


def role_has_perm(role: str, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm!r}")
    return role in PERMISSIONS[perm]

"""Writes to units and users. Object changes are audited by the audit app's signal handlers."""

from __future__ import annotations

import secrets

from django.db import transaction

from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


def ensure_unit(code: str, name: str, *, parent: Unit | None = None, kind: str = "") -> Unit:
    """Create the unit if it does not exist; re-running a setup script changes nothing."""
    unit, _ = Unit.objects.get_or_create(
        code=code, defaults={"name": name, "parent": parent, "kind": kind}
    )
    return unit


def create_user(
    username: str,
    *,
    role: Role | str,
    unit: Unit | None,
    password: str | None = None,
    display_name: str = "",
) -> tuple[User, str]:
    """Create a user; returns it with its password (generated when not given)."""
    if Role(role) != Role.ADMIN and unit is None:
        raise ValueError("only administrators may have no unit")
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User(username=username, role=Role(role), unit=unit, first_name=display_name)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    return user, password

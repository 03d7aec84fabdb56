"""Which units' data a user may see: their own unit and every unit below it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


def visible_units(user: User) -> QuerySet[Unit] | None:
    """Units whose data ``user`` may see; ``None`` means all (administrators)."""
    if user.role == Role.ADMIN:
        return None
    if user.unit is None:
        return Unit.objects.none()
    return user.unit.subtree()


def unit_filter(user: User, field: str = "unit") -> Q:
    """A filter restricting a queryset with a unit foreign key named ``field`` to ``user``."""
    if user.role == Role.ADMIN:
        return Q()
    if user.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": user.unit.path})

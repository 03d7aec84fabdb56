"""Which units a dashboard or a report covers: one unit and everything below it, or every unit.

A user may look at any unit they can see (their own and the ones below it; administrators:
all); they start at their own unit, administrators at "all units". A user without a unit (not
an administrator) sees an empty scope, as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import visible_units


@dataclass(frozen=True)
class Scope:
    #: ``None``: every unit.
    unit: Unit | None
    #: Ids of the unit and the units below it; ``None``: every unit.
    unit_ids: tuple[int, ...] | None

    @property
    def label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return _("All units") if self.unit_ids is None else _("No unit")

    @property
    def code(self) -> str:
        return self.unit.code if self.unit is not None else ""

    def q(self, field: str = "unit_id") -> Q:
        """Restrict a queryset with a unit foreign key (its id column) to the scope."""
        return Q() if self.unit_ids is None else Q(**{f"{field}__in": self.unit_ids})


def of_unit(unit: Unit | None) -> Scope:
    if unit is None:
        return Scope(None, None)
    return Scope(unit, tuple(unit.subtree().values_list("pk", flat=True)))


def choices(user: User) -> QuerySet[Unit]:
    """Units ``user`` may choose from."""
    units = visible_units(user)
    return (Unit.objects.all() if units is None else units).order_by("path")


def for_user(user: User, code: str = "") -> Scope:
    """The scope ``user`` asked for by unit code, else their default; a unit they may not see
    falls back to the default as well."""
    if code:
        unit = choices(user).filter(code=code).first()
        if unit is not None:
            return of_unit(unit)
    if visible_units(user) is None:
        return of_unit(None)
    return of_unit(user.unit) if user.unit is not None else Scope(None, ())


def unit_choices(user: User) -> list[tuple[str, str]]:
    """(code, label) of the units ``user`` may choose, indented by depth; "" = all units."""
    units = [(u.code, "\u3000" * max(0, u.depth) + u.name) for u in choices(user)]
    return [("", _("All units")), *units] if visible_units(user) is None else units

"""Who sees a case and who may act on it.

A case is seen by the responsible unit's subtree and by the opening unit's subtree (the office
that opened it follows it wherever it was routed); leaders — viewers of a top-level unit — and
administrators see every case. Anyone else gets a 404, as if the case did not exist.

Handling a case (status changes, responses, assignment) is for the responsible line: users of
the responsible unit or of a unit above it. The opening office may still archive, re-route and
edit what it opened (``cases.open``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yuqing.cases.models import Case
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role


def sees_all(user: User) -> bool:
    return user.role == Role.ADMIN or (
        user.role == Role.VIEWER and user.unit is not None and user.unit.parent_id is None)


def visible_cases(user: User) -> QuerySet[Case]:
    cases = Case.objects.all()
    if sees_all(user):
        return cases
    if user.unit is None:
        return cases.none()
    return cases.filter(Q(unit__path__startswith=user.unit.path)
                        | Q(opened_unit__path__startswith=user.unit.path))


def in_charge(user: User, case: Case) -> bool:
    """The user's unit is the responsible unit or above it (administrators: always)."""
    if user.role == Role.ADMIN:
        return True
    return user.unit is not None and case.unit.path.startswith(user.unit.path)


def may(user: User, case: Case, perm: str) -> bool:
    """``perm`` on this (visible) case: handling needs the responsible line as well."""
    if not user.has_role_perm(perm):
        return False
    return perm != "cases.handle" or in_charge(user, case)

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from yuqing.orgs.actions import create_user, ensure_unit
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import PERMISSIONS, Role, role_has_perm
from yuqing.orgs.scope import unit_filter, visible_units


def test_paths_follow_the_tree(units: dict[str, Unit]) -> None:
    assert units["district"].path == "/district/"
    assert units["community"].path == "/district/street-a/community-a1/"
    assert units["community"].depth == 2
    assert set(units["street_a"].subtree()) == {units["street_a"], units["community"]}


def test_moving_a_unit_rewrites_the_paths_below_it(units: dict[str, Unit]) -> None:
    street_a = units["street_a"]
    street_a.parent = units["street_b"]
    street_a.save()
    assert Unit.objects.get(code="community-a1").path == "/district/street-b/street-a/community-a1/"


def test_a_unit_cannot_be_its_own_ancestor(units: dict[str, Unit]) -> None:
    district = units["district"]
    district.parent = units["community"]
    with pytest.raises(ValidationError):
        district.full_clean()


def test_ensure_unit_is_idempotent(units: dict[str, Unit]) -> None:
    again = ensure_unit("district", "another name")
    assert again.pk == units["district"].pk
    assert Unit.objects.count() == 4


def test_scope_is_own_unit_and_children(units: dict[str, Unit],
                                        make_user: Callable[..., User]) -> None:
    analyst = make_user("a", Role.ANALYST, units["street_a"])
    assert set(visible_units(analyst) or []) == {units["street_a"], units["community"]}
    assert set(Unit.objects.filter(unit_filter(analyst, field="parent"))) == {units["community"]}
    admin = make_user("root", Role.ADMIN, None)
    assert visible_units(admin) is None
    assert Unit.objects.filter(unit_filter(admin)).count() == 4


def test_only_administrators_reach_the_admin_site(units: dict[str, Unit]) -> None:
    admin, _ = create_user("boss", role=Role.ADMIN, unit=None)
    viewer, password = create_user("leader", role=Role.VIEWER, unit=units["district"])
    assert admin.is_staff and admin.is_superuser
    assert not viewer.is_staff and not viewer.is_superuser
    assert len(password) >= 12
    viewer.role = Role.ADMIN
    viewer.save()
    assert User.objects.get(pk=viewer.pk).is_staff


def test_non_admins_need_a_unit(db: None) -> None:
    with pytest.raises(ValueError, match="no unit"):
        create_user("x", role=Role.ANALYST, unit=None)


def test_role_permissions_are_explicit() -> None:
    assert role_has_perm(Role.ADMIN, "audit.view")
    assert not role_has_perm(Role.VIEWER, "items.export")
    assert all(role_has_perm(role, "items.view") for role in Role)
    with pytest.raises(KeyError):
        role_has_perm(Role.ADMIN, "no.such.perm")
    assert "items.view" in PERMISSIONS


def test_inactive_users_have_no_permissions(units: dict[str, Unit],
                                            make_user: Callable[..., User]) -> None:
    user = make_user("gone", Role.ANALYST, units["district"])
    user.is_active = False
    assert not user.has_role_perm("items.view")

"""Shared fixtures: a small unit tree, users of each role, a source, a browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import browser  # noqa: F401  (the browser tests' fixture, shared)
from yuqing.collect.models import CredibilityTier, Source
from yuqing.collect.tiers import ensure_default_tiers
from yuqing.orgs.actions import create_user, ensure_unit
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _test_settings(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep files written by tests (quarantine, exports) out of the developer's data dir,
    and hash passwords quickly: PBKDF2's deliberate slowness is most of a login test."""
    quarantine = tmp_path_factory.mktemp("quarantine")
    settings.YUQING_QUARANTINE_DIR = quarantine  # type: ignore[attr-defined]
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]


@pytest.fixture
def units(db: None) -> dict[str, Unit]:
    """district → two streets → a community below the first street."""
    district = ensure_unit("district", "滨江区", kind="district")
    street_a = ensure_unit("street-a", "东湖街道", parent=district, kind="street")
    street_b = ensure_unit("street-b", "西湖街道", parent=district, kind="street")
    community = ensure_unit("community-a1", "东湖社区", parent=street_a, kind="community")
    return {"district": district, "street_a": street_a, "street_b": street_b,
            "community": community}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, role: Role, unit: Unit | None) -> User:
        user, _ = create_user(username, role=role, unit=unit, password=PASSWORD)
        return user

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.ADMIN, None)


@pytest.fixture
def source(units: dict[str, Unit]) -> Source:
    ensure_default_tiers()  # gone if a transactional test with available_apps flushed them
    return Source.objects.create(
        name="滨江发布", platform="weibo", kind="account", unit=units["district"],
        tier=CredibilityTier.objects.get(code="government"), region="滨江区",
    )

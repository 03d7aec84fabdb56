"""Items in two streets, users at district / street level, logged-in clients."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
_keys = itertools.count()


def at(day: int, hour: int = 12) -> datetime:
    """A time in March 2025, Beijing time."""
    return datetime(2025, 3, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Web tests create many users; the production hasher costs most of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_item(db: None) -> Callable[..., Item]:
    def make(source: Source, **fields: Any) -> Item:
        fields.setdefault("platform", source.platform)
        fields.setdefault("published_at", at(10))
        return Item.objects.create(natural_key=f"test:{next(_keys)}", source=source,
                                   unit=source.unit, fingerprint="-", **fields)

    return make


def tier(code: str, name: str, rank: int) -> CredibilityTier:
    """A default tier; created when a transactional test before this one flushed it away."""
    return CredibilityTier.objects.get_or_create(code=code,
                                                 defaults={"name": name, "rank": rank})[0]


@pytest.fixture
def sources(units: dict[str, Unit]) -> dict[str, Source]:
    """One source per street, on different platforms and tiers."""
    return {
        "a": Source.objects.create(name="东湖论坛", platform="forum", unit=units["street_a"],
                                   tier=tier("individual", "论坛/个人", 5)),
        "b": Source.objects.create(name="西湖日报", platform="news", unit=units["street_b"],
                                   tier=tier("local_media", "省级/地方媒体", 2)),
    }


@pytest.fixture
def login(client: Client, make_user: Callable[..., User]) -> Callable[..., Client]:
    """Log ``client`` in as a new user of ``role`` in ``unit``."""

    def log_in(role: Role, unit: Unit | None, username: str = "") -> Client:
        user = make_user(username or f"{role}-{unit.code if unit else 'all'}", role, unit)
        client.force_login(user)
        return client

    return log_in

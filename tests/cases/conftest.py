"""A small task division: a district with two streets, handlers in each, an analyst and a
leader at the district, two routing rules and an alert about a street's item."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from yuqing.alerts.models import Alert, Severity
from yuqing.analysis.models import Event, ItemAnalysis
from yuqing.cases.defaults import ensure_defaults
from yuqing.cases.models import Category, RoutingRule
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: 滨江区, 杭州市 (the region code routing rules look at).
BINJIANG = "330108"
_keys = itertools.count()


@dataclass
class World:
    units: dict[str, Unit]
    analyst: User
    leader: User
    handler_a: User
    handler_b: User
    viewer_a: User
    city: Category
    noise: Category
    rule_a: RoutingRule
    rule_district: RoutingRule
    source_a: Source
    source_b: Source


@pytest.fixture
def make_item(db: None) -> Callable[..., Item]:
    def make(source: Source, **fields: Any) -> Item:
        fields.setdefault("platform", source.platform)
        fields.setdefault("published_at", datetime(2025, 3, 10, 12, tzinfo=SHANGHAI))
        return Item.objects.create(natural_key=f"cases-test:{next(_keys)}", source=source,
                                   unit=source.unit, fingerprint="-", **fields)

    return make


@pytest.fixture
def world(units: dict[str, Unit], make_user: Callable[..., User]) -> World:
    ensure_defaults()
    tier = CredibilityTier.objects.get_or_create(code="individual",
                                                 defaults={"name": "论坛/个人", "rank": 5})[0]
    city = Category.objects.get(name="城市管理", parent=None)
    noise = Category.objects.get(name="施工管理", parent=city)
    return World(
        units=units,
        analyst=make_user("wangfang", Role.ANALYST, units["district"]),
        leader=make_user("leader", Role.VIEWER, units["district"]),
        handler_a=make_user("handler-a", Role.HANDLER, units["street_a"]),
        handler_b=make_user("handler-b", Role.HANDLER, units["street_b"]),
        viewer_a=make_user("viewer-a", Role.VIEWER, units["street_a"]),
        city=city, noise=noise,
        rule_a=RoutingRule.objects.create(name="东湖片区城市管理", priority=10, category=city,
                                          region_prefix=BINJIANG, unit=units["street_a"]),
        rule_district=RoutingRule.objects.create(name="杭州市其他事项", priority=50,
                                                 region_prefix="3301",
                                                 unit=units["district"]),
        source_a=Source.objects.create(name="东湖论坛", platform="forum",
                                       unit=units["street_a"], tier=tier),
        source_b=Source.objects.create(name="西湖论坛", platform="forum",
                                       unit=units["street_b"], tier=tier),
    )


def analyse(item: Item, *, district: str = BINJIANG, event: Event | None = None) -> None:
    """The analysis row the pipeline would have written (only what cases read)."""
    ItemAnalysis.objects.create(
        item=item, story_id=item.pk, event=event, tone="negative", tone_score=0.9,
        tone_model="test", emotion="angry", emotion_score=0.8, emotion_model="test",
        province=district[:2] + "0000", city=district[:4] + "00", district=district,
        analysed_at=timezone.now())


def make_event(title: str) -> Event:
    now = timezone.now()
    return Event.objects.create(title=title, first_seen=now, last_seen=now, items=1,
                                stories=1, negative=1, heat=42.0)


def make_alert(unit: Unit, *, item: Item | None = None, event: Event | None = None,
               severity: str = Severity.CRITICAL) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        unit=unit, rule_name="负面信息预警", kind="negative", severity=severity,
        reason="东湖论坛 1 条负面帖子（置信度 0.90），来源等级 5",
        subject_key=f"item:{item.pk if item else 0}", item=item, event=event,
        first_fired=now, last_fired=now)

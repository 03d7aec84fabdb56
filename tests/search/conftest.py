"""Search tests: an index of their own, and items with their analysis in the database."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from yuqing.analysis.models import Event, ItemAnalysis, Story
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import Unit

_keys = itertools.count()
T0 = datetime(2025, 3, 1, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _search_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets an empty embedded index of its own."""
    monkeypatch.setenv("YUQING_SEARCH_DIR", str(tmp_path / "search"))


def tier(code: str) -> CredibilityTier:
    """A default tier (re-created if a transactional test flushed the table)."""
    return CredibilityTier.objects.get_or_create(code=code, defaults={"name": code, "rank": 3})[0]


@pytest.fixture
def feeds(units: dict[str, Unit]) -> dict[str, Source]:
    """A district account (central media) and a forum in each street."""
    return {
        "district": Source.objects.create(name="滨江发布", platform="weibo",
                                          unit=units["district"], tier=tier("central_media")),
        "a": Source.objects.create(name="东湖论坛", platform="forum", unit=units["street_a"],
                                   tier=tier("individual")),
        "b": Source.objects.create(name="西湖日报", platform="news", unit=units["street_b"],
                                   tier=tier("local_media")),
    }


@pytest.fixture
def add_item(db: None) -> Callable[..., Item]:
    """An item and, unless ``analysed=False``, its analysis (tone, region, event, heat)."""

    def make(source: Source, text: str = "", *, title: str = "", minutes: int = 0,
             tone: str = "neutral", province: str = "", city: str = "",
             event: Event | None = None, heat: float = 0.0, analysed: bool = True,
             **fields: Any) -> Item:
        item = Item.objects.create(
            natural_key=f"search-test:{next(_keys)}", source=source, unit=source.unit,
            platform=fields.pop("platform", source.platform), title=title, text=text,
            published_at=T0 + timedelta(minutes=minutes), fingerprint="-", **fields)
        if analysed:
            Story.objects.create(id=item.pk, event=event, items=1, first_seen=T0,
                                 last_seen=T0)
            ItemAnalysis.objects.create(
                item=item, story_id=item.pk, event=event, tone=tone, tone_score=0.9,
                tone_model="test", emotion="neutral", emotion_score=0.9,
                emotion_model="test", province=province, city=city, heat=heat,
                analysed_at=T0)
        return item

    return make


@pytest.fixture
def make_event(db: None) -> Callable[[str], Event]:
    def make(title: str) -> Event:
        return Event.objects.create(title=title, first_seen=T0, last_seen=T0)

    return make

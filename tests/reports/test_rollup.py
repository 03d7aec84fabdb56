"""The hourly rollups equal a plain count of items, and stay equal after an analyst's merge."""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import UTC

import pytest
from django.apps import apps
from django.db.models.functions import Coalesce

from tests.reports.conftest import FIRE, World, at, store
from yuqing.analysis import actions, runner
from yuqing.analysis.models import Event, ItemAnalysis
from yuqing.analysis.save import hour_of
from yuqing.reports import rollup
from yuqing.reports.models import (
    DirtyHour,
    RegionHour,
    SourceHour,
    UnitEventHour,
    UnitHour,
)

pytestmark = pytest.mark.django_db


def counted() -> dict[str, Counter[tuple[object, ...]]]:
    """What the rollups should hold, counted item by item."""
    volume: Counter[tuple[object, ...]] = Counter()
    regions: Counter[tuple[object, ...]] = Counter()
    events: Counter[tuple[object, ...]] = Counter()
    sources: Counter[tuple[object, ...]] = Counter()
    rows = ItemAnalysis.objects.annotate(when=Coalesce("item__published_at",
                                                       "item__collected_at")).values_list(
        "item__unit_id", "when", "item__platform", "item__source_id", "tone", "province",
        "city", "event_id")
    for unit, when, platform, source, tone, province, city, event in rows:
        hour = hour_of(when)
        volume[(unit, hour, platform, tone)] += 1
        sources[(unit, hour, source)] += 1
        if province:
            regions[(unit, hour, province, city)] += 1
        if event is not None:
            events[(unit, hour, event)] += 1
    return {"volume": volume, "regions": regions, "events": events, "sources": sources}


def stored() -> dict[str, Counter[tuple[object, ...]]]:
    def utc(rows: list[tuple[object, ...]]) -> Counter[tuple[object, ...]]:
        return Counter({(r[0], r[1].astimezone(UTC), *r[2:-1]): r[-1]  # type: ignore[attr-defined]
                        for r in rows})

    return {
        "volume": utc(list(UnitHour.objects.values_list("unit_id", "hour", "platform", "tone",
                                                        "items"))),
        "regions": utc(list(RegionHour.objects.values_list("unit_id", "hour", "province",
                                                           "city", "items"))),
        "events": utc(list(UnitEventHour.objects.values_list("unit_id", "hour", "event_id",
                                                             "items"))),
        "sources": utc(list(SourceHour.objects.values_list("unit_id", "hour", "source_id",
                                                           "items"))),
    }


def test_rollups_equal_a_count_of_the_items(world: World) -> None:
    assert not DirtyHour.objects.exists()
    assert stored() == counted()
    assert sum(UnitHour.objects.values_list("items", flat=True)) == len(world.items)


def test_each_analysed_batch_marks_its_hours_and_the_job_recounts_them(world: World) -> None:
    new = store(world.sources["news"], [("f3", FIRE + "，第三条", at(world.day, 16), "")])
    runner.analyse_pending()
    unit = world.sources["news"].unit_id
    assert list(DirtyHour.objects.values_list("unit_id", "hour")) == [
        (unit, hour_of(at(world.day, 16)))]
    assert rollup.refresh() == 1
    assert not DirtyHour.objects.exists()
    assert stored() == counted()
    assert UnitEventHour.objects.filter(event__in=ItemAnalysis.objects.filter(
        item_id=new["f3"]).values("event_id"), hour=hour_of(at(world.day, 16))).exists()


def test_an_analysts_merge_moves_the_counts_to_the_target_event(world: World) -> None:
    fire = Event.objects.get(pk=world.event_of("f1"))
    water = Event.objects.get(pk=world.event_of("w1"))
    actions.merge_events(world.analyst, fire, water)
    assert DirtyHour.objects.exists()  # the fire's hours were marked by the merge
    rollup.refresh()
    assert stored() == counted()
    assert not UnitEventHour.objects.filter(event=fire).exists()
    assert UnitEventHour.objects.filter(event=water, unit=world.sources["news"].unit).exists()


def test_a_time_budget_leaves_the_rest_marked(world: World) -> None:
    for unit in world.units.values():
        DirtyHour.objects.create(unit=unit, hour=hour_of(at(world.day, 3)))
    assert rollup.refresh(budget_seconds=0) == 1
    assert DirtyHour.objects.count() == len(world.units) - 1


def test_an_upgrade_counts_the_items_analysed_before(world: World) -> None:
    for model in (UnitHour, RegionHour, UnitEventHour, SourceHour):
        model.objects.all().delete()
    migration = importlib.import_module("yuqing.reports.migrations.0002_count_existing_items")
    migration.mark_all(apps, None)
    assert DirtyHour.objects.count() == len({key[:2] for key in counted()["volume"]})
    rollup.refresh()
    assert stored() == counted()

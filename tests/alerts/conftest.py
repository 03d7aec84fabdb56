"""Fixtures of the alerts tests: items through the real ingest and analysis pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from yuqing.alerts import schemes
from yuqing.alerts.models import AlertRule, Scheme
from yuqing.analysis import runner
from yuqing.collect.ingest import pipeline as ingest
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Source
from yuqing.orgs.models import Unit

START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
WATER = "滨江区东湖街道幸福小区停水三天了，物业一直不给说法，居民生活非常困难，大家都很愤怒"
FIRE = "西湖街道一家餐馆厨房起火，消防车及时赶到，火势很快被扑灭，没有人员受伤"
CONCERT = "周末滨江体育中心举办大型演唱会，现场气氛热烈，观众纷纷表示非常开心"

Ingest = Callable[..., list[int]]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Fresh in-memory indexes and matcher (each test's database starts over), and reasons
    in English whatever the translations say."""
    runner.invalidate()
    schemes.invalidate()
    with translation.override("en"):
        yield
    schemes.invalidate()


def push(source: Source, rows: list[tuple[str, str, dt.datetime]], **extra: object) -> list[int]:
    """Store items as any collector would (queued for analysis); returns their ids."""
    records = [ItemRecord(platform="weibo", external_id=ext, text=text, published_at=when,
                          **extra)  # type: ignore[arg-type]
               for ext, text, when in rows]
    batch = ingest.run(ingest.Batch(source=source, records=records),
                       [*ingest.PREPARE, *ingest.WRITE])
    return [batch.outcome[rec.natural_key][1] for rec in records]


def analyse() -> None:
    summary = runner.analyse_pending()
    assert summary.failed == 0


def make_scheme(unit: Unit, name: str, query: str, **fields: object) -> Scheme:
    return Scheme.objects.create(unit=unit, name=name, mode=Scheme.Mode.ADVANCED, query=query,
                                 **fields)


def make_rule(unit: Unit, kind: str, **fields: object) -> AlertRule:
    schemes_picked = fields.pop("schemes", None)
    fields.setdefault("name", f"{kind} rule")
    fields.setdefault("min_confidence", 0.0)
    rule = AlertRule.objects.create(unit=unit, kind=kind, **fields)
    if schemes_picked:
        rule.schemes.set(schemes_picked)  # type: ignore[arg-type]
    return rule

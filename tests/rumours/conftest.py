"""Fixtures of the rumour tests: entries, items ingested and analysed through the pipeline."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from yuqing.analysis import runner
from yuqing.collect.ingest import pipeline as ingest
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Source
from yuqing.rumours import engine
from yuqing.rumours.models import Debunk, Verdict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rumours"
START = dt.datetime(2025, 3, 15, 9, 0, tzinfo=dt.UTC)

WATER = "滨江区自来水厂被污染，喝了会中毒"
LOCKDOWN = "东湖街道明天起封闭所有小区"
CONCERT = "滨江体育中心周末举办演唱会"

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Indexes and weights cached by a previous test describe another database."""
    engine.invalidate()
    runner.invalidate()
    yield
    engine.invalidate()


@pytest.fixture
def entry(db: None) -> Callable[..., Debunk]:
    def make(claim: str, verdict: str = Verdict.FALSE, **fields: Any) -> Debunk:
        return Debunk.objects.create(claim=claim, verdict=verdict, **fields)

    return make


@pytest.fixture
def ingest_items(source: Source) -> Callable[..., list[int]]:
    """Store posts through the ingest pipeline (queued for analysis); returns their ids."""

    def store(texts: list[str], when: dt.datetime = START, keys: list[str] | None = None,
              **fields: Any) -> list[int]:
        """``keys``: the posts' ids on the platform (default: new ones); the same id again
        updates the post."""
        keys = keys or [f"r{next(_ids)}" for _ in texts]
        records = [ItemRecord(platform="weibo", external_id=key, text=text,
                              published_at=when, **fields)
                   for key, text in zip(keys, texts, strict=True)]
        batch = ingest.run(ingest.Batch(source=source, records=records),
                           [*ingest.PREPARE, *ingest.WRITE])
        return [batch.outcome[rec.natural_key][1] for rec in records]

    return store


@pytest.fixture
def analyse(ingest_items: Callable[..., list[int]]) -> Callable[..., list[int]]:
    """Store posts and run the analysis pipeline (and so the rumour hook) over them."""

    def run(texts: list[str], when: dt.datetime = START, **fields: Any) -> list[int]:
        ids = ingest_items(texts, when, **fields)
        summary = runner.analyse_pending()
        assert summary.failed == 0
        return ids

    return run


@pytest.fixture(autouse=True)
def _english(client: Client, settings: object) -> Iterator[None]:
    """These tests read English messages; the interface defaults to Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield

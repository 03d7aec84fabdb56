"""JSON APIs: field mapping by paths, page and cursor paging, bad items, early stop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, collect, make_source
from yuqing.collect.connectors.base import ConfigError
from yuqing.collect.connectors.jsonapi import CONNECTOR
from yuqing.collect.connectors.jsonapi.mapping import pluck
from yuqing.collect.models import Item, RunOutcome, Source
from yuqing.orgs.models import Unit

SH = ZoneInfo("Asia/Shanghai")
FIELDS = {"external_id": "id", "title": "title", "text": "content", "url": "link",
          "published_at": "pub_time", "likes": "stats.likes", "comments": "stats.comments",
          "author_name": "author.name", "author_id": "author.name"}
PAGED = {"items_path": "data.list", "fields": FIELDS,
         "paging": {"mode": "page", "param": "page", "size_param": "size", "size": 2}}
CURSOR = {"items_path": "items", "fields": FIELDS,
          "paging": {"mode": "cursor", "param": "cursor", "cursor_path": "next"}}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start()
    yield server
    server.stop()


def _stored() -> list[tuple[str, str, datetime | None, int | None, int | None]]:
    return list(Item.objects.order_by("external_id").values_list(
        "external_id", "title", "published_at", "likes", "comments"))


def _expected(host: str) -> list[tuple[str, str, datetime | None, int | None, int | None]]:
    return [
        (f"{host}:301", "滨江区发布冬季出行提示", datetime(2026, 11, 21, 7, 0, tzinfo=SH),
         12000, 35),
        (f"{host}:302", "东湖公园银杏进入最佳观赏期", datetime(2026, 11, 21, 9, 0, tzinfo=SH),
         880, 12),
        (f"{host}:303", "西湖社区开展义诊活动", datetime(2026, 11, 20, 15, 0, tzinfo=SH),
         100000, 0),
    ]


def test_page_numbers(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("api", site.url("/api/news"), unit=units["district"], config=PAGED)
    run = collect(source)
    host = site.base.removeprefix("http://")
    assert _stored() == _expected(host)
    assert run.outcome == RunOutcome.PARTIAL
    assert (run.inserted, run.rejected) == (3, 1)
    messages = sorted(p["message"] for p in run.problems)
    assert messages == ["item 1: likes: '很多' is not a count",
                        "not stored: empty: neither title nor text"]
    assert [r.path for r in site.log if r.path == "/api/news"] == ["/api/news"] * 4
    item = Item.objects.get(external_id=f"{host}:301")
    assert item.url == site.url("/api/301")
    assert item.author_hash and item.author_display == "滨**警"
    assert "author" not in item.raw and item.raw["stats"] == {"likes": "1.2万", "comments": 35}


def test_rerun_stops_where_the_last_run_began(site: SiteServer,
                                              units: dict[str, Unit]) -> None:
    source = make_source("api", site.url("/api/news"), unit=units["district"], config=PAGED)
    collect(source)
    before = len(site.log)
    again = collect(source)
    # Page 2 already holds only items older than the newest one of the last run.
    assert len([r for r in site.log[before:] if r.path == "/api/news"]) == 2
    assert (again.inserted, again.unchanged) == (0, 3)
    assert Item.objects.count() == 3


def test_cursor_paging(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("api", site.url("/api/feed"), unit=units["district"], config=CURSOR,
                         platform="weibo")
    collect(source)
    # A platform-wide id space (weibo): ids are not prefixed.
    assert [row[0] for row in _stored()] == ["301", "302", "303"]
    assert [r.path for r in site.log if r.path == "/api/feed"] == ["/api/feed"] * 3


def test_relative_times_count_back_from_the_run(site: SiteServer,
                                                units: dict[str, Unit]) -> None:
    fields = {**FIELDS, "likes": "missing.path"}
    source = make_source("api", site.url("/api/news"), unit=units["district"],
                         config={**PAGED, "fields": fields})
    collect(source)
    item = Item.objects.get(title="滨江区图书馆延长开放时间")
    yesterday = timezone.localtime() - timedelta(days=1)
    assert item.published_at == yesterday.replace(hour=9, minute=0, second=0, microsecond=0)
    assert item.likes is None


def test_an_answer_that_is_not_json_fails_the_run(site: SiteServer,
                                                  units: dict[str, Unit]) -> None:
    source = make_source("api", site.url("/api/broken"), unit=units["district"], config=PAGED)
    run = collect(source)
    assert run.outcome == RunOutcome.FAILED
    assert run.error.startswith("the API did not answer with JSON (Expecting value at ")
    wrong = make_source("api", site.url("/api/news"), unit=units["district"], name="wrong",
                        config={**PAGED, "items_path": "data.items"})
    assert collect(wrong).error == ("items_path 'data.items' does not lead to a list in the "
                                    "response")


@pytest.mark.parametrize(("config", "message"), [
    ({"fields": {"title": "t"}, "paging": {"mode": "pages"}}, "paging.mode: Input should be"),
    ({"fields": {"headline": "t"}}, "fields: unknown item field(s) headline"),
    ({"fields": {"url": "u"}}, "fields: map at least text or title"),
    ({"fields": {"title": "t"}, "itemspath": "x"}, "itemspath: Extra inputs are not permitted"),
])
def test_settings_are_checked(config: dict[str, Any], message: str) -> None:
    source = Source(kind="api", url="https://example.org/api", config=config, platform="news")
    with pytest.raises(ConfigError) as exc:
        CONNECTOR.settings(source)
    assert exc.value.problems[0].startswith(message)


def test_paths() -> None:
    data = {"a": {"b": [{"c": 1}, {"c": 2}]}, "x.y": 3}
    assert pluck(data, "a.b.1.c") == 2
    assert pluck(data, "a.b.-1.c") == 2
    assert pluck(data, "a.b.5.c") is None
    assert pluck(data, "a.z") is None
    assert pluck(data, "") is data

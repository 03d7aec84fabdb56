"""Sitemaps: an index with news, dated and stale children, gzip, discovery via robots.txt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, collect, make_source
from yuqing.collect.models import Item, RunOutcome
from yuqing.orgs.models import Unit

SH = ZoneInfo("Asia/Shanghai")
#: Keeps the 2026 fixture entries and drops the 2019 and 2010 ones for years to come.
CONFIG = {"max_age_days": 1000, "url_pattern": r"/20\d\d/"}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start()
    yield server
    server.stop()


def _titles() -> list[tuple[str, datetime | None]]:
    return list(Item.objects.order_by("title").values_list("title", "published_at"))


EXPECTED = [
    ("东湖街道开展冬季消防安全大检查", datetime(2026, 11, 21, 9, 30, tzinfo=SH)),
    ("滨江区举办第三届社区运动会", datetime(2026, 11, 20, 14, 0, tzinfo=SH)),
    ("滨江区召开城市更新工作新闻发布会", datetime(2026, 11, 21, 8, 0, tzinfo=SH)),
]


def test_sitemap_index(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("sitemap", site.url("/sitemap/sitemap_index.xml"),
                         unit=units["district"], config=CONFIG)
    run = collect(source)
    assert _titles() == EXPECTED
    assert site.hits("/sitemap/sitemap-2010.xml") == 0  # older than max_age_days
    assert site.hits("/news/2019/01/01/old.html") == 0
    assert site.hits("/news/about.html") == 0  # not matching url_pattern
    assert run.outcome == RunOutcome.PARTIAL
    assert [(p["url"], p["message"].split(" from ")[0]) for p in run.problems] == [
        (site.url("/sitemap/missing.xml"), "HTTP 404 Not Found")]
    again = collect(source)
    assert (again.inserted, again.not_modified) == (0, 2)  # the index is read, children: 304
    assert Item.objects.count() == 3


def test_site_root_finds_its_sitemaps_in_robots_txt(site: SiteServer,
                                                    units: dict[str, Unit]) -> None:
    source = make_source("sitemap", site.url("/"), unit=units["district"], config=CONFIG)
    collect(source)
    assert _titles() == EXPECTED


def test_gzipped_sitemap(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("sitemap", site.url("/sitemap/news.xml.gz"), unit=units["district"],
                         config=CONFIG)
    run = collect(source)
    assert run.outcome == RunOutcome.OK, run.problems
    assert [t for t, _ in _titles()] == ["东湖街道开展冬季消防安全大检查",
                                         "滨江区召开城市更新工作新闻发布会"]


def test_broken_sitemaps_fail_the_run(site: SiteServer, units: dict[str, Unit]) -> None:
    broken = make_source("sitemap", site.url("/sitemap/broken.xml"), unit=units["district"])
    assert collect(broken).error.startswith("the sitemap is not well-formed XML (")
    feed = make_source("sitemap", site.url("/feeds/rss.xml"), unit=units["district"],
                       name="a feed")
    assert collect(feed).error == "this is not a sitemap (its root element is <rss>)"

"""RSS and Atom feeds, in UTF-8 and GB2312, well-formed or not, fetched conditionally."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, collect, make_source
from yuqing.collect.models import Item, RunOutcome
from yuqing.orgs.models import Unit

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start()
    yield server
    server.stop()


def _items() -> list[tuple[str, str, datetime | None, str]]:
    return list(Item.objects.order_by("published_at").values_list(
        "title", "url", "published_at", "text"))


def test_rss_feed(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/rss.xml"), unit=units["district"])
    run = collect(source)
    assert (run.outcome, run.inserted, run.requests) == (RunOutcome.OK, 3, 2)  # robots + feed
    assert _items() == [
        ("滨江区召开城市更新工作新闻发布会", site.url("/news/2026/11/21/a1001.html"),
         datetime(2026, 11, 21, 8, 0, tzinfo=SH),
         "11月21日上午，滨江区召开城市更新工作新闻发布会。"),
        # A date without a zone is Beijing time, not UTC.
        ("东湖街道开展冬季消防安全大检查", site.url("/news/2026/11/21/a1002.html"),
         datetime(2026, 11, 21, 9, 30, tzinfo=SH), "入冬以来，东湖街道组织开展消防安全大检查。"),
        ("西湖社区老年食堂正式开业", site.url("/news/2026/11/21/a1003.html"),
         datetime(2026, 11, 21, 10, 0, tzinfo=SH), "西湖社区老年食堂今天正式开业。"),
    ]
    # The author is pseudonymised like everywhere else.
    second = Item.objects.get(title="东湖街道开展冬季消防安全大检查")
    assert second.author_hash and "张三" not in second.author_display
    assert "author" not in second.raw


def test_unchanged_feed_is_one_304(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/rss.xml"), unit=units["district"])
    collect(source)
    again = collect(source)
    assert (again.outcome, again.requests, again.not_modified, again.inserted) == (
        RunOutcome.OK, 1, 1, 0)
    assert Item.objects.count() == 3


def test_atom_feed(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/atom.xml"), unit=units["district"])
    assert collect(source).inserted == 2
    assert [(t, w, x) for t, _u, w, x in _items()] == [
        ("东湖街道志愿者服务队成立", datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
         "东湖街道志愿者服务队今日成立，首批队员五十人。"),
        ("东湖街道召开居民议事会", datetime(2026, 11, 21, 12, 0, tzinfo=SH),
         "东湖街道召开居民议事会，讨论小区停车难问题。"),
    ]


def test_gb2312_feed(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/rss-gbk.xml"), unit=units["district"])
    run = collect(source)
    assert run.outcome == RunOutcome.OK, run.problems
    assert [(t, w) for t, _u, w, _x in _items()] == [
        ("滨江区冬季供暖工作全面启动", datetime(2026, 11, 21, 7, 30, tzinfo=SH)),
        ("江滨路改造工程预计年底完工", datetime(2026, 11, 21, 11, 15, tzinfo=SH)),
    ]


def test_full_text_fetches_each_article(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/rss-gbk.xml"), unit=units["district"],
                         config={"full_text": True})
    assert collect(source).inserted == 2
    text = Item.objects.get(title="滨江区冬季供暖工作全面启动").text
    assert text == ("记者从区城管局获悉，滨江区冬季供暖工作于今日全面启动，覆盖全区三百余个小区。\n"
                    "供热企业表示，今年将加强巡检，确保室温达到十八摄氏度以上。")


def test_malformed_feed_fails_the_run(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/malformed.xml"), unit=units["district"])
    run = collect(source)
    assert run.outcome == RunOutcome.FAILED
    assert run.error.startswith("the feed is not well-formed XML (")
    html = make_source("rss", site.url("/news/index.html"), unit=units["district"],
                       name="not a feed")
    assert collect(html).error == "this is not an RSS or Atom feed"


def test_flaky_feed_is_retried(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/bad/flaky"), unit=units["district"])
    run = collect(source)
    assert (run.outcome, run.inserted) == (RunOutcome.FAILED, 0)  # 2 attempts, both 500
    assert "(after 2 attempts)" in run.error
    assert collect(source).inserted == 3  # the third request succeeds

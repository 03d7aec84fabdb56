"""The web connector against a local Chinese news site (UTF-8 and GBK): exact items, no
duplicates and no refetching on re-runs, and the recorded errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, collect, make_source
from yuqing.collect.models import FetchRun, Item, RunOutcome, UrlKind, UrlState
from yuqing.collect.sources.dispatch import preview
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


def _list_time(month: int, day: int, hour: int) -> datetime:
    """A list page's "11-21 10:00": this year, or last year if that is still to come."""
    now = timezone.now()
    moment = datetime(now.year, month, day, hour, tzinfo=SH)
    return moment if moment <= now + timedelta(days=1) else moment.replace(year=now.year - 1)


def _items() -> list[tuple[str, str, datetime | None]]:
    return list(Item.objects.order_by("title").values_list("title", "url", "published_at"))


def test_list_pages_to_articles(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("web", site.url("/news/index.html"), unit=units["district"],
                         config={"list_pages": 2}, region="滨江区")
    run = collect(source)
    items = _items()
    assert [(title, url) for title, url, _ in items] == [
        ("东湖街道开展冬季消防安全大检查", site.url("/news/2026/11/21/a1002.html?utm_source=home")),
        ("滨江区举办第三届社区运动会", site.url("/news/2026/11/20/a1004.html")),
        ("滨江区召开城市更新工作新闻发布会", site.url("/news/2026/11/21/a1001.html")),
        ("西湖社区老年食堂正式开业", site.url("/news/2026/11/21/a1003.html")),
    ]
    times = {title: when for title, _, when in items}
    assert times["滨江区召开城市更新工作新闻发布会"] == datetime(2026, 11, 21, 8, 0, tzinfo=SH)
    assert times["东湖街道开展冬季消防安全大检查"] == datetime(2026, 11, 21, 9, 30, tzinfo=SH)
    assert times["滨江区举办第三届社区运动会"] == datetime(2026, 11, 20, 14, 0, tzinfo=SH)
    # The article page has no time; the list page's "11-21 10:00" is used.
    assert times["西湖社区老年食堂正式开业"] == _list_time(11, 21, 10)
    first = Item.objects.get(title="滨江区召开城市更新工作新闻发布会")
    assert first.text.startswith("11月21日上午，滨江区召开城市更新工作新闻发布会")
    assert "版权所有" not in first.text and "关于我们" not in first.text
    assert (first.platform, first.source, first.region) == ("news", source, "滨江区")

    assert run.outcome == RunOutcome.PARTIAL
    assert (run.inserted, run.updated, run.rejected) == (4, 0, 0)
    problems = {(p["url"].removeprefix(site.base), p["level"], p["message"].split(" (")[0])
                for p in run.problems}
    assert problems == {
        ("/news/2026/11/20/empty-1.html", "error", "no article found on the page"),
        ("/news/private/secret-2026.html", "warning",
         f"robots.txt of {site.base.removeprefix('http://')} does not allow "
         f"{site.url('/news/private/secret-2026.html')}"),
        ("/news/2026/11/21/a1001.html?print=1", "warning",
         f"robots.txt of {site.base.removeprefix('http://')} does not allow "
         f"{site.url('/news/2026/11/21/a1001.html?print=1')}"),
    }
    assert site.hits("/news/private/secret-2026.html") == 0
    assert site.hits("/news/2026/11/21/a1001.html") == 1  # linked twice, fetched once
    assert site.hits("/news/about.html") == 0  # navigation is not an article


def test_rerun_fetches_nothing_again_and_duplicates_nothing(site: SiteServer,
                                                             units: dict[str, Unit]) -> None:
    source = make_source("web", site.url("/news/index.html"), unit=units["district"],
                         config={"list_pages": 2})
    collect(source)
    before = _items()
    second = collect(source)
    # The list is unchanged (304): nothing else is asked for.
    assert (second.requests, second.not_modified, second.inserted) == (1, 1, 0)
    assert second.outcome == RunOutcome.OK
    # Forget the list's ETag: the list is read again, but every article on it is known.
    UrlState.objects.filter(source=source, kind=UrlKind.PAGE).delete()
    third = collect(source)
    assert third.inserted == 0 and third.skipped == 7
    assert _items() == before
    for path in ("/news/2026/11/21/a1001.html", "/news/2026/11/21/a1003.html",
                 "/news/2026/11/20/empty-1.html"):
        assert site.hits(path) == 1, path
    conditional = [r for r in site.log if r.path == "/news/index.html"]
    assert "if-none-match" not in conditional[0].headers
    assert "if-none-match" in conditional[1].headers


def test_gbk_site_with_meta_charset(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("web", site.url("/gbk/index.html"), unit=units["district"])
    run = collect(source)
    assert run.outcome == RunOutcome.OK, run.problems
    assert [(t, w) for t, _, w in _items()] == [
        ("江滨路改造工程预计年底完工", datetime(2026, 11, 21, 11, 15, tzinfo=SH)),
        ("滨江区冬季供暖工作全面启动", datetime(2026, 11, 21, 7, 30, tzinfo=SH)),
    ]
    assert Item.objects.get(title__startswith="江滨路").text.startswith("江滨路改造工程目前")


def test_selectors_instead_of_automatic_reading(site: SiteServer,
                                                units: dict[str, Unit]) -> None:
    config = {"link_selector": "ul.news-list li > a", "url_pattern": r"/2026/11/21/a\d+",
              "title_selector": "h1.title", "body_selector": "div.content p",
              "time_selector": "div.info"}
    source = make_source("web", site.url("/news/index.html"), unit=units["district"],
                         config=config)
    run = collect(source)
    assert run.outcome == RunOutcome.OK, run.problems
    assert sorted(Item.objects.values_list("title", flat=True)) == [
        "东湖街道开展冬季消防安全大检查", "滨江区召开城市更新工作新闻发布会",
        "西湖社区老年食堂正式开业"]
    item = Item.objects.get(title="东湖街道开展冬季消防安全大检查")
    assert item.text == ("入冬以来，东湖街道组织消防、安监等部门对辖区内的商场、学校和老旧小区开展"
                         "消防安全大检查。\n检查共发现隐患十五处，已当场整改十二处，其余三处限期整改。")


def test_budget_leaves_the_rest_for_the_next_run(site: SiteServer, units: dict[str, Unit],
                                                 settings: Any) -> None:
    settings.YUQING_COLLECT_MAX_PAGES = 2
    source = make_source("web", site.url("/news/index.html"), unit=units["district"],
                         config={"list_pages": 2})
    runs = [collect(source) for _ in range(5)]
    # Seven links, two per run (robots-blocked ones count): a1001 a1002 | a1003, no article |
    # two blocked | a1004 | nothing left, and the list answers 304 again.
    assert [r.inserted for r in runs] == [2, 1, 0, 1, 0]
    assert [r.not_modified for r in runs] == [0, 0, 0, 0, 1]
    assert Item.objects.count() == 4
    assert FetchRun.objects.filter(source=source).count() == 5


def test_a_list_page_that_fails_fails_the_run(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("web", site.url("/bad/500"), unit=units["district"])
    run = collect(source)
    assert run.outcome == RunOutcome.FAILED
    assert run.error.startswith("HTTP 500 Internal Server Error from ")


def test_preview_stores_nothing(site: SiteServer, units: dict[str, Unit]) -> None:
    source = make_source("web", site.url("/news/index.html"), unit=units["district"])
    result = preview(source, limit=2)
    assert result.error == ""
    assert sorted(rec.title for rec, rejected in result.items) == [
        "东湖街道开展冬季消防安全大检查", "滨江区召开城市更新工作新闻发布会"]
    assert not Item.objects.exists() and not UrlState.objects.exists()
    assert not FetchRun.objects.exists()


def test_a_run_that_breaks_off_loses_nothing(site: SiteServer, units: dict[str, Unit],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from yuqing.collect.sources.run import CollectionRun

    source = make_source("web", site.url("/news/index.html"), unit=units["district"])
    emit = CollectionRun.emit
    calls = []

    def breaking(self: CollectionRun, record: Any) -> None:
        calls.append(record)
        if len(calls) == 2:
            raise RuntimeError("the process died here")
        emit(self, record)

    monkeypatch.setattr(CollectionRun, "emit", breaking)
    broken = collect(source)
    assert broken.outcome == RunOutcome.FAILED
    assert broken.error == "internal error (RuntimeError: the process died here)"
    assert broken.inserted == 1
    monkeypatch.setattr(CollectionRun, "emit", emit)
    # The list page was not remembered as read: it is read again, and what was not stored
    # (the second article, and those after it) is fetched now.
    again = collect(source)
    assert again.not_modified == 0 and again.inserted == 2
    assert Item.objects.count() == 3

"""A small analysed world: three sources in a district and its streets, a day of posts about a
water cut (with copies and a repost chain), a fire and a concert, the day before for the
trend — stored through the ingest pipeline, analysed by the real pipeline, rolled up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from yuqing.analysis import runner
from yuqing.analysis.models import ItemAnalysis
from yuqing.collect.ingest import pipeline as ingest
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.reports import rollup

WATER = "滨江区东湖街道幸福小区停水三天了，物业一直不给说法，居民生活非常困难"
WATER_MORE = "幸福小区停水第四天，物业仍然没有说法，东湖街道居民到物业办公室讨说法。大家都很着急"
WATER_NEWS = ("东湖街道回应幸福小区停水：供水管网抢修预计明日完成，街道已安排送水车。"
              "居民反映停水期间生活不便，物业表示将尽快恢复供水")
WATER_GOV = "滨江发布：幸福小区停水系供水管网老化破裂所致，东湖街道已安排送水车，抢修正在进行"
FIRE = "西湖街道一家餐馆厨房起火，消防车及时赶到，火势很快被扑灭，没有人员受伤"
CONCERT = "周末滨江体育中心举办大型演唱会，现场气氛热烈，观众纷纷表示非常开心"


def tier(code: str, name: str, rank: int) -> CredibilityTier:
    return CredibilityTier.objects.get_or_create(code=code,
                                                 defaults={"name": name, "rank": rank})[0]


@dataclass
class World:
    units: dict[str, Unit]
    sources: dict[str, Source]
    #: The local day most posts are on (yesterday), and the day before.
    day: date
    analyst: User
    street_b_viewer: User
    #: external id → item id
    items: dict[str, int]

    def item(self, external_id: str) -> Item:
        return Item.objects.get(pk=self.items[external_id])

    def event_of(self, external_id: str) -> int:
        event = ItemAnalysis.objects.get(item_id=self.items[external_id]).event_id
        assert event is not None
        return event


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def store(source: Source, rows: list[tuple[str, str, datetime, str]],
          **extra: object) -> dict[str, int]:
    """Ingest ``(external id, text, time, parent external id)`` rows as the importer would."""
    records = [ItemRecord(platform=source.platform, external_id=ext, text=text,
                          published_at=when, parent_external_id=parent,
                          url=f"https://example.cn/{source.platform}/{ext}",
                          **extra)  # type: ignore[arg-type]
               for ext, text, when, parent in rows]
    batch = ingest.run(ingest.Batch(source=source, records=records),
                       [*ingest.PREPARE, *ingest.WRITE])
    return {rec.external_id: batch.outcome[rec.natural_key][1] for rec in records}


@pytest.fixture(autouse=True)
def _fresh_pipeline() -> None:
    runner.invalidate()


@pytest.fixture
def world(units: dict[str, Unit], make_user: Callable[..., User]) -> World:
    sources = {
        "forum": Source.objects.create(name="东湖论坛", platform="forum", unit=units["street_a"],
                                       tier=tier("individual", "论坛/个人", 5),
                                       region="杭州市滨江区"),
        "news": Source.objects.create(name="西湖日报", platform="news", unit=units["street_b"],
                                      tier=tier("local_media", "省级/地方媒体", 2),
                                      region="杭州市"),
        "gov": Source.objects.create(name="滨江发布", platform="weibo", unit=units["district"],
                                     tier=tier("government", "政务账号", 3),
                                     region="杭州市滨江区"),
    }
    day = timezone.localdate() - timedelta(days=1)
    before = day - timedelta(days=1)
    items: dict[str, int] = {}
    items |= store(sources["forum"], [
        ("w0", WATER + "。第一天", at(before, 20), ""),
        ("w1", WATER, at(day, 8), ""),
        *((f"w1-copy{n}", WATER + "！" * (n + 1), at(day, 9 + n), "") for n in range(4)),
        ("w2", WATER_MORE, at(day, 10, 30), ""),
        ("c1", CONCERT, at(day, 19), ""),
    ], likes=12, reposts=3, comments=4)
    items |= store(sources["news"], [
        ("n1", WATER_NEWS, at(day, 11), ""),
        ("f1", FIRE, at(day, 13), ""),
        ("f2", FIRE.replace("西湖街道", "西湖街道文三路"), at(day, 14), ""),
        ("f0", FIRE + "，昨日", at(before, 15), ""),
    ], likes=300, reposts=80, comments=40)
    items |= store(sources["gov"], [("g1", WATER_GOV, at(day, 12), "")], likes=50, reposts=20)
    # A repost chain below the first post: two reposts, one of them reposted twice.
    items |= store(sources["forum"], [
        ("r1", "转发微博//@东湖居民:" + WATER, at(day, 8, 30), "w1"),
        ("r2", "太难了//@东湖居民:" + WATER, at(day, 9, 15), "w1"),
    ])
    items |= store(sources["forum"], [
        ("r3", "转发//@小王:太难了//@东湖居民:" + WATER, at(day, 9, 40), "r2"),
        ("r4", "关注//@小王:太难了//@东湖居民:" + WATER, at(day, 9, 50), "r2"),
    ])
    runner.analyse_pending()
    rollup.refresh()
    return World(units=units, sources=sources, day=day,
                 analyst=make_user("wangfang", Role.ANALYST, units["district"]),
                 street_b_viewer=make_user("viewer-b", Role.VIEWER, units["street_b"]),
                 items=items)


@pytest.fixture(autouse=True)
def _english(client: Client, settings: object) -> Iterator[None]:
    """These tests read English messages; the interface defaults to Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield

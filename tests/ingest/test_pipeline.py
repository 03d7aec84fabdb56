"""The shared write path: keys, pseudonyms, validation and idempotent upserts."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuqing.collect.ingest import keys, pipeline, privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Item, Source

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _run(source: Source, records: list[ItemRecord]) -> pipeline.Batch:
    return pipeline.run(pipeline.Batch(source=source, records=records),
                        [*pipeline.PREPARE, *pipeline.WRITE])


def _snapshot() -> list[tuple[object, ...]]:
    return list(Item.objects.order_by("natural_key").values_list(
        "natural_key", "text", "likes", "parent_id", "author_hash", "fingerprint", "updated_at"))


def test_url_normalisation_merges_tracking_variants() -> None:
    a = keys.normalise_url("HTTPS://News.Example.com:443/a/1.html?utm_source=x&b=2&a=1#top")
    b = keys.normalise_url("https://news.example.com/a/1.html?a=1&b=2")
    assert a == b == "https://news.example.com/a/1.html?a=1&b=2"


def test_natural_key_prefers_id_then_url_then_content() -> None:
    assert keys.natural_key(ItemRecord(platform="weibo", external_id="42")) == "weibo:42"
    assert keys.natural_key(ItemRecord(platform="weibo", kind="comment",
                                       external_id="42")) == "weibo:c:42"
    by_url = keys.natural_key(ItemRecord(platform="news", url="https://a.example/x?utm_x=1"))
    assert by_url == keys.natural_key(ItemRecord(platform="news", url="https://a.example/x"))
    by_text = keys.natural_key(ItemRecord(platform="forum", text="一样的内容"))
    assert by_text.startswith("sha:")
    assert by_text != keys.natural_key(ItemRecord(platform="forum", text="不一样的内容"))


def test_pseudonyms_are_keyed_stable_and_masked() -> None:
    one = privacy.author_hash("k1", "weibo", "123456")
    assert one == privacy.author_hash("k1", "weibo", "123456")
    assert one != privacy.author_hash("k2", "weibo", "123456")
    assert one != privacy.author_hash("k1", "douyin", "123456")
    assert "123456" not in one and len(one) == 32
    assert privacy.mask_name("张三丰") == "张*丰"
    assert privacy.mask_name("李四") == "李*"
    assert privacy.mask_name("滨江老住户王大爷") == "滨****爷"


def test_scrub_removes_author_fields_at_any_depth() -> None:
    raw = {"note_id": "1", "user_id": "u", "nickname": "n", "ip_location": "江苏",
           "user": {"id": 1}, "comments": [{"avatar": "a.png", "content": "c"}]}
    assert privacy.scrub(raw) == {"note_id": "1", "comments": [{"content": "c"}]}


def test_rejections_carry_reasons_and_the_rest_is_stored(source: Source) -> None:
    batch = _run(source, [
        ItemRecord(platform="weibo", external_id="1", text="正常"),
        ItemRecord(platform="myspace", external_id="2", text="x"),
        ItemRecord(platform="weibo", external_id="3", text="  "),
        ItemRecord(platform="weibo", external_id="4", text="x", likes=-1),
        ItemRecord(platform="weibo", kind="comment", external_id="5", text="x"),
        ItemRecord(platform="weibo", external_id="6" * 200, text="x"),
    ])
    reasons = [r.reason for r in batch.rejected]
    assert reasons == [
        "unknown platform 'myspace'",
        "empty: neither title nor text",
        "likes is negative (-1)",
        "a comment needs the id of the item it belongs to",
        "external_id longer than 128 characters",
    ]
    assert list(Item.objects.values_list("natural_key", flat=True)) == ["weibo:1"]


def test_unstorable_characters_are_cleaned_not_fatal(source: Source) -> None:
    batch = _run(source, [ItemRecord(platform="weibo", external_id="1", text="a\x00b\ud800c",
                                     raw={"k\x00": ["v\udfff", {"n": "\x00"}]})])
    assert not batch.rejected
    item = Item.objects.get()
    assert item.text == "ab\ufffdc"
    assert item.raw == {"k": ["v\ufffd", {"n": ""}]}


def test_items_get_the_source_unit_and_region(source: Source) -> None:
    _run(source, [ItemRecord(platform="weibo", external_id="1", text="t",
                             author_id="uid-1", author_name="东湖吃瓜群众",
                             published_at=dt.datetime(2026, 11, 20, 8, 0))])
    item = Item.objects.get()
    assert item.unit_id == source.unit_id and item.region == "滨江区"
    assert item.author_display == "东****众"
    assert item.published_at == dt.datetime(2026, 11, 20, 8, 0, tzinfo=SHANGHAI)
    assert "uid-1" not in str(Item.objects.values().get())


def test_upsert_statuses_and_repeats_within_a_batch(source: Source) -> None:
    first = _run(source, [ItemRecord(platform="weibo", external_id="1", text="a"),
                          ItemRecord(platform="weibo", external_id="1", text="a")])
    assert next(iter(first.outcome.values()))[0] == "inserted" and Item.objects.count() == 1
    second = _run(source, [ItemRecord(platform="weibo", external_id="1", text="a")])
    assert [s for s, _ in second.outcome.values()] == ["unchanged"]
    third = _run(source, [ItemRecord(platform="weibo", external_id="1", text="a", likes=5)])
    assert [s for s, _ in third.outcome.values()] == ["updated"]
    assert Item.objects.get().likes == 5


def test_parents_link_whichever_arrives_first(source: Source) -> None:
    _run(source, [ItemRecord(platform="weibo", kind="comment", external_id="c1",
                             parent_external_id="p1", text="评论先到")])
    assert Item.objects.get(natural_key="weibo:c:c1").parent is None
    _run(source, [ItemRecord(platform="weibo", external_id="p1", text="原帖后到")])
    parent = Item.objects.get(natural_key="weibo:p1")
    assert Item.objects.get(natural_key="weibo:c:c1").parent == parent
    _run(source, [ItemRecord(platform="weibo", kind="comment", external_id="c2",
                             parent_external_id="c1", parent_kind="comment", text="楼中楼")])
    assert Item.objects.get(natural_key="weibo:c:c2").parent.natural_key == "weibo:c:c1"


_records = st.lists(
    st.builds(
        ItemRecord,
        platform=st.sampled_from(["weibo", "douyin", "news"]),
        external_id=st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=3)),
        text=st.text(min_size=0, max_size=20),
        likes=st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
        author_id=st.text(max_size=5),
        author_name=st.text(max_size=5),
    ),
    max_size=15,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=_records)
def test_rerunning_a_batch_changes_nothing(source: Source, records: list[ItemRecord]) -> None:
    Item.objects.all().delete()
    fresh = lambda: [ItemRecord(**{f: getattr(r, f) for f in (  # noqa: E731
        "platform", "external_id", "text", "likes", "author_id", "author_name")})
        for r in records]
    first = _run(source, fresh())
    after_first = _snapshot()
    second = _run(source, fresh())
    assert _snapshot() == after_first
    assert all(status == "unchanged" for status, _ in second.outcome.values())
    assert len(second.rejected) == len(first.rejected)

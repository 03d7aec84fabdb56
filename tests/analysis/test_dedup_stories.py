"""Story grouping: exact/near duplicates, short texts, parents, order, window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analysis.dedup import StoryConfig, StoryIndex, StoryItem

T0 = datetime(2020, 2, 17, tzinfo=UTC)
NEWS = (
    "河南一病例从武汉返乡34天后确诊，官方：隔离时间再延长7天。当地提醒有湖北居住史的居民一律再延长"
)
OTHER = "钻石公主号邮轮上又有四十名美国乘客确诊感染，美国政府决定包机撤侨"


def item(i: int, text: str, hours: float = 0, parent: int | None = None) -> StoryItem:
    return StoryItem(i, text, T0 + timedelta(hours=hours), parent)


def test_exact_and_near_duplicates_join_unrelated_does_not() -> None:
    index = StoryIndex()
    result = index.add_batch(
        [
            item(1, NEWS, 0),
            item(2, NEWS + " [哈哈] http://t.cn/xyz @某人", 1),  # same after normalisation
            item(3, NEWS.replace("河南", "湖南"), 2),  # edited copy
            item(4, OTHER, 3),
        ]
    )
    assert result.story_ids == [1, 1, 1, 4]
    # Across batches too.
    later = index.add_batch([item(5, "顶//@路人:" + NEWS, 4), item(6, OTHER + "！", 5)])
    assert later.story_ids == [1, 4]


def test_short_text_is_not_matched() -> None:
    index = StoryIndex()
    result = index.add_batch([item(1, "转发微博", 0), item(2, "转发微博", 1), item(3, "[泪]", 2)])
    assert result.story_ids == [1, 2, 3]


def test_plain_repost_joins_parent_story_even_if_parent_comes_later() -> None:
    index = StoryIndex()
    first = index.add_batch(
        [item(1, NEWS, 0), item(2, "", 1, parent=1), item(3, "好", 2, parent=9)]
    )
    assert first.story_ids == [1, 1, 3]
    # A reply with words of its own is its own story.
    assert index.add_batch([item(4, "这件事情我觉得还需要再观察一下", 3, parent=1)]).story_ids == [
        4
    ]
    # The parent of 3 arrives late (earlier timestamp): 3 joins it, 9 is the head.
    late = index.add_batch([item(9, OTHER, -1)])
    assert late.story_ids == [9]
    assert late.relabelled == {3: 9}
    assert index.add_batch([item(3, "好", 2, parent=9)]).story_ids == [9]


def test_earliest_item_is_head_when_batches_arrive_out_of_order() -> None:
    index = StoryIndex()
    assert index.add_batch([item(20, NEWS, 5), item(30, OTHER, 6)]).story_ids == [20, 30]
    # An earlier copy of NEWS arrives: it becomes the head, 20 is relabelled.
    result = index.add_batch([item(10, NEWS + "。", 1)])
    assert result.story_ids == [10]
    assert result.relabelled == {20: 10}
    assert index.add_batch([item(40, "", 7, parent=30), item(41, "", 7, parent=20)]).story_ids == [
        30,
        10,
    ]
    # Two plain reposts of an unknown post are separate stories until their
    # parent arrives; it matches OTHER too, so three stories merge under it.
    assert index.add_batch([item(7, "", 8, parent=99), item(8, "好", 9, parent=99)]).story_ids == [
        7,
        8,
    ]
    merged = index.add_batch([item(99, OTHER, 0.5)])
    assert merged.story_ids == [99]
    assert merged.relabelled == {7: 99, 8: 99, 30: 99}
    assert index.add_batch([item(40, "", 7, parent=30)]).story_ids == [99]


def test_rerunning_a_batch_is_idempotent() -> None:
    batch = [item(1, NEWS, 0), item(2, NEWS + "!", 1), item(3, OTHER, 2), item(2, NEWS, 1)]
    index = StoryIndex()
    first = index.add_batch(batch)
    size, nbytes = len(index), index.nbytes
    again = index.add_batch(batch)
    assert first.story_ids == again.story_ids == [1, 1, 3, 1]
    assert again.relabelled == {}
    assert (len(index), index.nbytes) == (size, nbytes)
    # A fresh index gives the same answer: the result does not depend on state.
    assert StoryIndex().add_batch(batch).story_ids == first.story_ids


def test_window_eviction_bounds_memory() -> None:
    rng = random.Random(0)
    config = StoryConfig(window=timedelta(hours=6), buckets=6)
    index = StoryIndex(config)
    sizes = []
    for hour in range(48):
        texts = ["".join(rng.choice(NEWS + OTHER) for _ in range(30)) for _ in range(50)]
        index.add_batch([item(hour * 100 + k, t, hour + k / 50) for k, t in enumerate(texts)])
        sizes.append((len(index), index.nbytes))
    steady = sizes[12:]
    assert max(n for n, _ in steady) <= 7 * 50  # window + one bucket
    assert max(b for _, b in steady) <= 1.2 * min(b for _, b in steady)
    # A story outlives the eviction of its head: posts keep their story id.
    story = index.add_batch([item(10**6, NEWS, 0)])
    assert story.story_ids == [10**6]


def test_rejects_bad_config() -> None:
    try:
        StoryIndex(StoryConfig(num_bins=64, bands=5))
    except ValueError:
        return
    raise AssertionError("bands that do not divide the bins must be rejected")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-5, max_value=40),
            st.text(max_size=80),
            st.integers(min_value=-10_000, max_value=10**6),
            st.one_of(st.none(), st.integers(min_value=-5, max_value=40)),
        ),
        max_size=25,
    )
)
def test_index_never_raises(rows: list[tuple[int, str, int, int | None]]) -> None:
    index = StoryIndex(StoryConfig(window=timedelta(hours=1), buckets=4))
    batch = [StoryItem(i, text, T0 + timedelta(seconds=s), p) for i, text, s, p in rows]
    half = len(batch) // 2
    ids = index.add_batch(batch[:half]).story_ids + index.add_batch(batch[half:]).story_ids
    assert len(ids) == len(batch)
    # Every story id is the id of some post seen.
    seen = {i for i, *_ in rows}
    assert set(ids) <= seen


def test_compacted_segments_still_match() -> None:
    """Many small batches in one time bucket are merged; lookups must survive it."""
    index = StoryIndex()
    rng = random.Random(1)
    texts = ["".join(rng.choice(NEWS + OTHER) for _ in range(40)) for _ in range(20)]
    for k, text in enumerate(texts):
        index.add_batch([item(k, text, k / 100), item(100 + k, "", k / 100, parent=k)])
    again = index.add_batch([item(1000 + k, t + "。", 1) for k, t in enumerate(texts)])
    assert again.story_ids == list(range(20))
    assert index.add_batch([item(200, "", 1, parent=100)]).story_ids == [0]


def test_older_buckets_are_merged_into_one_segment_and_still_match() -> None:
    """Once the stream moves to a newer bucket, older buckets are one segment each (one
    lookup per bucket), and their posts, reposts and waiting children are still found."""
    index = StoryIndex(StoryConfig(window=timedelta(hours=72), buckets=12))  # 6-hour buckets
    rng = random.Random(2)
    texts = ["".join(rng.choice(NEWS + OTHER) for _ in range(40)) for _ in range(30)]
    for k, text in enumerate(texts):  # 30 small batches over 15 hours: three buckets
        index.add_batch([item(k, text, k / 2), item(100 + k, "", k / 2, parent=k)])
    store = index._store
    newest = max(store._buckets)
    assert all(len(parts) == 1 for key, parts in store._buckets.items() if key != newest)
    assert len(store._buckets) == 3
    again = index.add_batch([item(1000 + k, t + "。", 16) for k, t in enumerate(texts)])
    assert again.story_ids == list(range(30))
    assert index.add_batch([item(200, "", 16, parent=101)]).story_ids == [1]

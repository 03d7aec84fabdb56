"""Properties of event assignment: batching does not matter, re-running changes nothing.

Small vocabularies, tiny centroids, posting caps and windows make hypothesis reach the
interesting paths (caps dropping events, truncated centroids, eviction, ties) quickly.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from yuqing.analysis.events import EventConfig, EventIndex, StoryDoc

T0 = datetime(2020, 2, 17, tzinfo=UTC)
WORDS = ["疫情", "武汉", "方舱", "口罩", "邮轮", "美国", "确诊", "医院", "开学", "封城"]
IDF = {w: 1.0 + i for i, w in enumerate(WORDS[:7])}
SMALL = EventConfig(
    idf=IDF, default_idf=4.0, threshold=0.3, centroid_terms=4, story_terms=4, index_terms=2,
    probe_terms=2, posting_cap=2, verify=2, max_gap=timedelta(hours=10),
    window=timedelta(hours=14), buckets=2,
)

stories = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WORDS), max_size=5),
        st.integers(min_value=0, max_value=48 * 60),  # minutes after T0
    ),
    max_size=40,
)


def docs_of(drawn: list[tuple[list[str], int]]) -> list[StoryDoc]:
    return [
        StoryDoc(i + 1, T0 + timedelta(minutes=m), words, 1.0 + (i % 3) / 2)
        for i, (words, m) in enumerate(drawn)
    ]


def commit_all(index: EventIndex, keys: list[int], counter: list[int]) -> list[int]:
    """Give new events ids in creation order (-1 first), as rows inserted in that order."""
    mapping = {}
    for key in sorted({k for k in keys if k < 0}, reverse=True):
        counter[0] += 1
        mapping[key] = counter[0]
    index.commit(mapping)
    return [mapping.get(k, k) for k in keys]


@settings(max_examples=150, deadline=None)
@given(stories, st.randoms(use_true_random=False))
def test_one_batch_equals_the_same_stories_one_by_one(
    drawn: list[tuple[list[str], int]], rng: random.Random
) -> None:
    docs = docs_of(drawn)
    batch_index, single_index = EventIndex(SMALL), EventIndex(SMALL)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    batch_ids = dict(
        zip(
            (d.story_id for d in shuffled),
            commit_all(batch_index, batch_index.assign(shuffled), [0]),
            strict=True,
        )
    )
    counter = [0]
    single_ids = {}
    for d in sorted(docs, key=lambda d: (d.time, d.story_id)):
        [single_ids[d.story_id]] = commit_all(single_index, single_index.assign([d]), counter)
    assert batch_ids == single_ids
    events = sorted(set(single_ids.values()))
    assert [e in batch_index for e in events] == [e in single_index for e in events]
    alive = [e for e in events if e in single_index]
    assert batch_index.states(alive) == single_index.states(alive)


@settings(max_examples=150, deadline=None)
@given(stories, st.booleans())
def test_feeding_a_batch_twice_changes_nothing(
    drawn: list[tuple[list[str], int]], pinned: bool
) -> None:
    """Within ``max_gap`` of each other (no eviction), with or without the stored ids."""
    docs = [d for d in docs_of(drawn) if d.time < T0 + timedelta(hours=10)]
    index = EventIndex(SMALL)
    first = commit_all(index, index.assign(docs), [0])
    before = index.states(first)
    stored = {d.story_id: e for d, e in zip(docs, first, strict=True)} if pinned else None
    assert index.assign(docs, stored) == first
    assert index.states(first) == before

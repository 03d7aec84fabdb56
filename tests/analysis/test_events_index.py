"""Streaming event assignment: joining, keys, gaps, eviction, persistence, corrections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from yuqing.analysis.events import EventConfig, EventIndex, EventState, StoryDoc

T0 = datetime(2020, 2, 17, tzinfo=UTC)
IDF = {"钻石公主号": 12.0, "邮轮": 11.0, "美国": 6.0, "确诊": 8.0, "方舱": 11.0, "医院": 6.0}
CRUISE = ["钻石公主号", "邮轮", "美国", "确诊"]
CABIN = ["方舱", "医院", "武汉", "新建"]
CONFIG = EventConfig(idf=IDF, default_idf=9.0, threshold=0.4)


def doc(story: int, words: Sequence[str], hours: float = 0, weight: float = 1.0) -> StoryDoc:
    return StoryDoc(story, T0 + timedelta(hours=hours), list(words), weight)


def run(index: EventIndex, docs: Sequence[StoryDoc], next_id: int = 100) -> list[int]:
    """Assign and commit as the pipeline does: new events get ids in creation order."""
    keys = index.assign(docs)
    mapping = {k: next_id - k - 1 for k in set(keys) if k < 0}
    index.commit(mapping)
    return [mapping.get(k, k) for k in keys]


def state(index: EventIndex, event: int) -> EventState:
    [found] = index.states([event])
    return found


def by_id(states: Iterable[EventState]) -> dict[int, EventState]:
    return {s.id: s for s in states}


def test_similar_stories_join_and_unrelated_ones_open_events() -> None:
    index = EventIndex(CONFIG)
    keys = index.assign(
        [
            doc(1, CRUISE, 0),
            doc(2, CABIN, 1),
            doc(3, [*CRUISE[:3], "撤侨"], 2),
            doc(4, ["武汉", "方舱", "医院", "床位"], 3),
        ]
    )
    assert keys == [-1, -2, -1, -2]
    index.commit({-1: 10, -2: 11})
    assert 10 in index and 11 in index and len(index) == 2
    cruise = state(index, 10)
    assert (cruise.stories, cruise.weight) == (2, 2.0)
    assert (cruise.first_seen, cruise.last_seen) == (T0, T0 + timedelta(hours=2))
    assert "撤侨" in cruise.centroid and "方舱" not in cruise.centroid
    assert run(index, [doc(5, CRUISE, 4), doc(6, ["天气", "晴朗"], 5)]) == [10, 100]


def test_a_batch_is_processed_in_time_order_whatever_the_input_order() -> None:
    ordered = EventIndex(CONFIG)
    shuffled = EventIndex(CONFIG)
    docs = [doc(1, CRUISE, 0), doc(2, CABIN, 1), doc(3, CRUISE, 2)]
    assert run(ordered, docs) == [100, 101, 100]
    assert run(shuffled, docs[::-1]) == [100, 101, 100][::-1]


def test_commit_is_required_and_checked() -> None:
    index = EventIndex(CONFIG)
    index.assign([doc(1, CRUISE), doc(2, CABIN)])
    with pytest.raises(RuntimeError, match="commit"):
        index.assign([doc(3, CRUISE)])
    with pytest.raises(KeyError):
        index.commit({-3: 7})
    index.commit({-1: 7})
    with pytest.raises(ValueError, match="already in use"):
        index.commit({-2: 7})
    index.commit({-2: 8})
    assert run(index, [doc(3, CRUISE, 1)]) == [7]


def test_idle_events_are_not_joined_and_old_ones_leave_memory() -> None:
    cfg = EventConfig(idf=IDF, threshold=0.4, max_gap=timedelta(days=1),
                      window=timedelta(days=2), buckets=4)
    index = EventIndex(cfg)
    assert run(index, [doc(1, CRUISE, 0)]) == [100]
    assert run(index, [doc(2, CRUISE, 23)], 101) == [100]  # 23 h after the last story
    assert run(index, [doc(3, CRUISE, 23 + 25)], 101) == [101]  # 25 h idle: a new event
    assert 100 in index
    # A story much earlier than an event's first story does not join it either.
    assert run(index, [doc(4, CRUISE, -30)], 102) == [102]
    # 100 was last seen at 23 h; the window (2 days, in 12 h buckets) has passed it by 84 h.
    keys = index.assign([doc(5, CABIN, 84)])
    assert 100 not in index and 101 in index and 102 not in index
    assert state(index, 100).last_seen == T0 + timedelta(hours=23)  # still savable...
    index.commit({keys[0]: 103})
    run(index, [doc(6, CABIN, 85)], 104)
    assert index.states([100]) == []  # ...until the next batch


def test_feeding_the_same_batch_again_changes_nothing() -> None:
    index = EventIndex(CONFIG)
    docs = [doc(1, CRUISE, 0), doc(2, CABIN, 1), doc(3, CRUISE, 2), doc(3, CRUISE, 2)]
    first = run(index, docs)
    assert first == [100, 101, 100, 100]  # a repeated story in a batch gets the same event
    before = by_id(index.states(first))
    assert index.assign(docs) == first
    assert by_id(index.states(first)) == before


def test_an_index_restored_from_states_continues_like_the_original() -> None:
    original = EventIndex(CONFIG)
    keys = run(original, [doc(1, CRUISE, 0), doc(2, CABIN, 1), doc(3, CRUISE[:3], 2)])
    restored = EventIndex(CONFIG, original.states(keys))
    later = [doc(4, CRUISE[1:], 3), doc(5, CABIN[:3], 4), doc(6, ["口罩", "价格"], 5)]
    assert run(original, later, 200) == run(restored, later, 200) == [100, 101, 200]
    assert original.states([100, 101, 200]) == restored.states([100, 101, 200])


def test_pinned_assignments_win_over_similarity() -> None:
    index = EventIndex(CONFIG)
    run(index, [doc(1, CRUISE, 0), doc(2, CABIN, 1)])
    # Story 3 reads like the cruise event, but the database says it belongs to 101.
    assert index.assign([doc(3, CRUISE, 2)], pinned={3: 101}) == [101]
    assert state(index, 101).stories == 2
    assert "钻石公主号" in state(index, 101).centroid
    # A pinned event that is not in memory is answered as is; nothing is created.
    assert index.assign([doc(4, CABIN, 3)], pinned={4: 55}) == [55]
    assert 55 not in index and len(index) == 2
    assert index.assign([doc(3, CRUISE, 2), doc(4, CABIN, 3)], pinned={3: 101, 4: 55}) == [101, 55]
    assert state(index, 101).stories == 2


def test_redirect_merges_centroids_and_sends_later_stories_to_the_survivor() -> None:
    index = EventIndex(CONFIG)
    run(index, [doc(1, CRUISE, 0), doc(2, CABIN, 1)])
    index.redirect(101, 100)
    assert 101 not in index and index.states([101]) == []
    merged = state(index, 100)
    assert (merged.stories, merged.weight, merged.last_seen) == (2, 2.0, T0 + timedelta(hours=1))
    assert {"钻石公主号", "方舱"} <= merged.centroid.keys()
    assert run(index, [doc(3, CABIN, 2), doc(2, CABIN, 1)]) == [100, 100]


def test_redirect_renames_when_only_the_merged_event_is_in_memory() -> None:
    index = EventIndex(CONFIG)
    run(index, [doc(1, CRUISE, 0)])
    index.redirect(100, 7)
    assert 100 not in index and 7 in index
    assert run(index, [doc(2, CRUISE, 1), doc(1, CRUISE, 0)]) == [7, 7]


def test_pin_without_doc_fixes_the_assignment_only() -> None:
    index = EventIndex(CONFIG)
    run(index, [doc(1, CRUISE, 0), doc(2, CABIN, 1)])
    index.pin(1, 101)
    index.pin(2, 99)  # an event that is not in memory
    assert index.assign([doc(1, CRUISE, 0), doc(2, CABIN, 1)]) == [101, 99]
    assert state(index, 100).stories == 1  # counts and centroids need the doc


def test_a_split_with_docs_moves_the_vector_so_it_is_not_undone() -> None:
    index = EventIndex(CONFIG)
    mixed = [*CRUISE[:2], *CABIN[:2]]
    assert run(index, [doc(1, CRUISE, 0), doc(2, mixed, 1)]) == [100, 100]
    # The analyst moves story 2 to a new event 500.
    index.pin(2, 500, doc(2, mixed, 1))
    assert state(index, 100).stories == 1
    assert "方舱" not in state(index, 100).centroid
    assert state(index, 500).stories == 1
    # A story like the moved one now follows it, and re-feeding story 2 keeps it in 500.
    assert run(index, [doc(3, CABIN[:3], 2), doc(2, mixed, 1)]) == [500, 500]


def test_stories_without_words_open_their_own_events() -> None:
    index = EventIndex(CONFIG)
    assert run(index, [doc(1, [], 0), doc(2, [], 1), doc(3, CRUISE, 2)]) == [100, 101, 102]


def test_bad_input_is_rejected() -> None:
    index = EventIndex(CONFIG)
    with pytest.raises(ValueError, match="timezone-aware"):
        index.assign([StoryDoc(1, datetime(2020, 2, 17), ["美国"])])
    with pytest.raises(ValueError, match="weight"):
        index.assign([doc(2, CRUISE, weight=0.0)])
    with pytest.raises(ValueError):
        EventConfig(max_gap=timedelta(days=3), window=timedelta(days=2))
    with pytest.raises(ValueError):
        EventConfig(posting_cap=0)


def test_candidates_come_only_from_recently_updated_events_per_term() -> None:
    """With a posting cap of 2, a story sharing only a common word with five events can
    only reach the two updated last: lookup work does not grow with the number of events."""
    cfg = EventConfig(idf={"疫情": 1.0}, default_idf=1.0, threshold=0.5, posting_cap=2)
    index = EventIndex(cfg)
    ids = run(index, [doc(i, ["疫情", f"独有{i}"], i) for i in range(1, 6)])
    assert ids == [100, 101, 102, 103, 104]
    assert run(index, [doc(6, ["疫情"], 6)]) in ([103], [104])
    assert run(index, [doc(7, ["疫情", "独有1"], 7)]) == [100]  # found by its own word
    assert run(index, [doc(8, ["疫情"], 8)]) == [103]


class _Table(Mapping[str, float]):
    """An IDF table that is a Mapping but not a dict, like the pipeline's ``Idf``."""

    def __getitem__(self, word: str) -> float:
        return IDF[word]

    def __iter__(self) -> Iterator[str]:
        return iter(IDF)

    def __len__(self) -> int:
        return len(IDF)


def test_any_mapping_serves_as_idf_table() -> None:
    docs = [doc(1, CRUISE, 0), doc(2, CABIN, 1), doc(3, [*CRUISE[:2], "武汉"], 2)]
    plain, mapped = EventIndex(CONFIG), EventIndex(EventConfig(idf=_Table(), default_idf=9.0,
                                                               threshold=0.4))
    assert run(plain, docs) == run(mapped, docs) == [100, 101, 100]
    assert plain.states([100, 101]) == mapped.states([100, 101])

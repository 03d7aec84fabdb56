"""Event clustering building blocks: TF-IDF story vectors, centroids, postings."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from yuqing.analysis.events import EventState, story_vector, top_terms
from yuqing.analysis.events.postings import Postings
from yuqing.analysis.events.vectors import add_scaled, cosine, norm, ranked

IDF = {"钻石公主号": 12.0, "美国": 6.0, "确诊": 8.0, "我们": 2.0, "零": 0.0}


def test_story_vector_is_unit_length_idf_weighted_and_strongest_first() -> None:
    vec = story_vector(["美国", "钻石公主号", "确诊", "我们"], IDF, 5.0, 10)
    assert math.isclose(norm(vec), 1.0)
    assert list(vec) == ["钻石公主号", "确诊", "美国", "我们"]
    assert math.isclose(vec["钻石公主号"] / vec["美国"], 2.0)


def test_story_vector_uses_sublinear_tf_and_the_default_idf() -> None:
    vec = story_vector(["新词", "美国", "美国"], IDF, 3.0, 10)
    assert math.isclose(vec["美国"] / vec["新词"], 6.0 * (1 + math.log(2)) / 3.0)


def test_story_vector_keeps_only_the_strongest_terms_and_drops_zero_weights() -> None:
    vec = story_vector(["我们", "美国", "钻石公主号", "零"], IDF, 5.0, 2)
    assert list(vec) == ["钻石公主号", "美国"]
    assert math.isclose(norm(vec), 1.0)
    assert story_vector(["零"], IDF, 5.0, 5) == {}
    assert story_vector([], IDF, 5.0, 5) == {}


def test_add_scaled_sums_cuts_to_the_strongest_and_can_take_a_story_out() -> None:
    a = {"x": 0.8, "y": 0.6}
    b = {"y": 0.6, "z": 0.8}
    both = add_scaled(a, b, 1.0, 3)
    assert both == pytest.approx({"y": 1.2, "x": 0.8, "z": 0.8})
    assert list(both) == ["y", "x", "z"]
    assert a == {"x": 0.8, "y": 0.6}  # inputs untouched
    assert list(add_scaled(a, b, 1.0, 2)) == ["y", "x"]  # ties keep the earlier term
    assert add_scaled(both, b, -1.0, 3) == pytest.approx({"x": 0.8, "y": 0.6})


def test_ranked_and_cosine() -> None:
    assert ranked({"a": 0.1, "b": 0.5, "c": 0.5, "d": -1.0}, 5) == {"b": 0.5, "c": 0.5, "a": 0.1}
    centroid = {"x": 3.0, "y": 4.0}
    assert math.isclose(cosine({"x": 1.0}, centroid, norm(centroid)), 0.6)
    assert cosine({"x": 1.0}, {}, 0.0) == 0.0


def test_top_terms_strongest_first_ties_alphabetical() -> None:
    now = datetime(2020, 2, 17, tzinfo=UTC)
    state = EventState(1, {"b": 1.0, "a": 1.0, "c": 2.0}, now, now, 3, 3.0)
    assert top_terms(state, 2) == ["c", "a"]
    assert top_terms(state, 10) == ["c", "a", "b"]


def test_postings_keep_the_most_recent_events_per_term() -> None:
    postings: Postings[str] = Postings(cap=2)
    for event in ("e1", "e2", "e3"):
        postings.put_all({"疫情": 1.0}, event, 0.5)
    assert postings.get("疫情") == {"e2": 0.5, "e3": 0.5}
    postings.put_all({"疫情": 1.0}, "e2", 0.25)  # touched: now the most recent
    assert list(postings.get("疫情") or {}) == ["e3", "e2"]
    postings.remove("疫情", "e1")  # already dropped by the cap: no error
    postings.remove("疫情", "e3")
    postings.remove("疫情", "e2")
    assert postings.get("疫情") is None
    assert len(postings) == 0
    with pytest.raises(ValueError):
        Postings(cap=0)

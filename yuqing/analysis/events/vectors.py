"""Sparse TF-IDF vectors and centroids for event clustering.

A story is represented by the TF-IDF vector of its head's words: ``(1 + ln tf) × idf``
(sublinear term frequency, so a word repeated in a rant does not outweigh the names and
places that say what the story is about), cut to its strongest terms and scaled to unit
length.  An event's *centroid* is the **unnormalised sum** of its stories' vectors (each times
the story's weight), cut to its strongest terms.  A sum rather than a mean because it can be
updated, merged (two events → add the sums) and partly undone (a story moved out → subtract
its vector) without knowing how many stories made it; cosine similarity ignores its length.

Terms are plain strings so that a centroid can be stored as JSON and read by a person.  A term
is interned when it enters a centroid: a word shared by thousands of centroids is then held
once, not once per event (centroids are most of the index's memory).  Story vectors are not
interned: they live for one lookup, and interning costs a hash-table probe per word.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Protocol

__all__ = [
    "add_scaled",
    "cosine",
    "norm",
    "ranked",
    "story_vector",
    "top_terms",
]

_WEIGHT = itemgetter(1)


def ranked(weights: Mapping[str, float], k: int) -> dict[str, float]:
    """The ``k`` largest positive entries of ``weights``, strongest first.

    Vectors and centroids are kept in this order, so "the strongest n terms" (for probing
    and indexing) is just their first n entries.  Ties keep the mapping's order (the sort is
    stable), which is deterministic for a deterministic sequence of updates.
    """
    items = sorted(weights.items(), key=_WEIGHT, reverse=True)[:k]
    while items and items[-1][1] <= 1e-12:  # zero, or float residue of a subtraction
        items.pop()
    return dict(items)


def norm(weights: Mapping[str, float]) -> float:
    """Euclidean length of a sparse vector."""
    return math.hypot(*weights.values())


def story_vector(
    tokens: Sequence[str], idf: Mapping[str, float], default_idf: float, max_terms: int
) -> dict[str, float]:
    """Unit-length TF-IDF vector of ``tokens``: its ``max_terms`` strongest terms, strongest
    first.  Empty (``{}``) when there are no tokens or no term has a positive weight."""
    get = idf.get
    raw = dict.fromkeys(tokens, 0.0)
    if len(raw) == len(tokens):  # the common case: every word once
        for term in raw:
            raw[term] = get(term, default_idf)
    else:
        for term, n in Counter(tokens).items():
            raw[term] = (1.0 + math.log(n)) * get(term, default_idf)
    raw = ranked(raw, max_terms)
    if not raw:
        return {}
    scale = 1.0 / norm(raw)
    return {t: w * scale for t, w in raw.items()}


def add_scaled(
    centroid: Mapping[str, float], vector: Mapping[str, float], scale: float, max_terms: int
) -> dict[str, float]:
    """``centroid + scale × vector``: its ``max_terms`` strongest positive terms, strongest
    first.  A negative ``scale`` takes a story out; terms that fall to zero disappear."""
    summed = dict(centroid)
    get = summed.get
    for term, weight in vector.items():
        old = get(term)
        if old is None:
            summed[sys.intern(term)] = scale * weight
        else:
            summed[term] = old + scale * weight
    return ranked(summed, max_terms)


def cosine(vector: Mapping[str, float], centroid: Mapping[str, float], length: float) -> float:
    """Cosine of a unit ``vector`` and a ``centroid`` whose norm is ``length``."""
    if length == 0.0:
        return 0.0
    get = centroid.get
    return sum([w * get(t, 0.0) for t, w in vector.items()]) / length


class _HasCentroid(Protocol):
    @property
    def centroid(self) -> Mapping[str, float]: ...


def top_terms(state: _HasCentroid, k: int) -> list[str]:
    """An event's ``k`` keywords: its centroid's strongest terms, strongest first.

    Ties are broken alphabetically so the list shown to analysts does not change between
    two reads of the same stored state.
    """
    ranked = sorted(state.centroid.items(), key=lambda tw: (-tw[1], tw[0]))
    return [term for term, _ in ranked[:k]]

"""Sparse TF-IDF vectors and centroids for event clustering.

A story is represented by the TF-IDF vector of its head's words: ``(1 + ln tf) × idf``
(sublinear term frequency, so a word repeated in a rant does not outweigh the names and
places that say what the story is about), cut to its strongest terms and scaled to unit
length.  An event's *centroid* is the **unnormalised sum** of its stories' vectors (each times
the story's weight), cut to its strongest terms.  A sum rather than a mean because it can be
updated, merged (two events → add the sums) and partly undone (a story moved out → subtract
its vector) without knowing how many stories made it; cosine similarity ignores its length.

Terms are plain strings so that a centroid can be stored as JSON and read by a person.  Term
strings are interned: a word shared by thousands of centroids is then held once, not once per
event (the centroids dominate the index's memory).
"""

from __future__ import annotations

import math
import statistics
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Protocol

__all__ = [
    "IdfTable",
    "add_scaled",
    "cosine",
    "load_idf",
    "norm",
    "story_vector",
    "strongest",
    "top_terms",
]

_WEIGHT = itemgetter(1)


@dataclass(frozen=True, slots=True)
class IdfTable:
    """Inverse document frequencies and the value used for words missing from them."""

    idf: dict[str, float]
    default: float


def load_idf(path: Path | str) -> IdfTable:
    """Read a ``word idf`` per line table (jieba's ``analyse/idf.txt`` format).

    The default for unknown words is the table's median, as jieba's own keyword extractor
    does: an unknown word is more likely a rare name than a common word, but not the rarest.
    Malformed lines are skipped.
    """
    idf: dict[str, float] = {}
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) != 2:
                continue
            try:
                idf[sys.intern(parts[0])] = float(parts[1])
            except ValueError:
                continue
    if not idf:
        raise ValueError(f"{path}: no 'word idf' lines")
    return IdfTable(idf, statistics.median(idf.values()))


def strongest(weights: Mapping[str, float], k: int) -> dict[str, float]:
    """The ``k`` largest entries of ``weights`` (all of them if there are not more).

    Ties keep the mapping's order (the sort is stable), which is deterministic for a
    deterministic sequence of updates.  A full sort beats ``heapq.nlargest`` at these sizes
    (tens of terms): it runs in C, the heap's key calls do not.
    """
    if len(weights) <= k:
        return dict(weights)
    return dict(sorted(weights.items(), key=_WEIGHT, reverse=True)[:k])


def norm(weights: Mapping[str, float]) -> float:
    """Euclidean length of a sparse vector."""
    return math.hypot(*weights.values())


def story_vector(
    tokens: Sequence[str], idf: Mapping[str, float], default_idf: float, max_terms: int
) -> dict[str, float]:
    """Unit-length TF-IDF vector of ``tokens``, cut to its ``max_terms`` strongest terms.

    Empty (``{}``) when there are no tokens or no term has a positive weight.
    """
    get = idf.get
    raw = dict.fromkeys(tokens, 0.0)
    if len(raw) == len(tokens):  # the common case: every word once
        for term in raw:
            raw[term] = get(term, default_idf)
    else:
        for term, n in Counter(tokens).items():
            raw[term] = (1.0 + math.log(n)) * get(term, default_idf)
    raw = {t: w for t, w in strongest(raw, max_terms).items() if w > 0.0}
    length = norm(raw)
    if length == 0.0:
        return {}
    intern = sys.intern
    return {intern(t): w / length for t, w in raw.items()}


def add_scaled(
    centroid: dict[str, float], vector: Mapping[str, float], scale: float, max_terms: int
) -> dict[str, float]:
    """``centroid + scale × vector``, cut to its ``max_terms`` strongest positive terms.

    ``centroid`` is updated in place when nothing has to be cut (the common case for a small
    event) and the result is returned either way.  A negative ``scale`` removes a story;
    terms that fall to zero or below disappear.
    """
    get = centroid.get
    for term, weight in vector.items():
        centroid[term] = get(term, 0.0) + scale * weight
    if scale < 0.0:
        centroid = {t: w for t, w in centroid.items() if w > 1e-9}
    return strongest(centroid, max_terms) if len(centroid) > max_terms else centroid


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

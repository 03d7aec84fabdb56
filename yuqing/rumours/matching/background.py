"""How common each n-gram is in what the deployment collects: the rarity half of TF-IDF.

An n-gram's weight must come from the stream the posts come from, not from the debunk base
alone: in a base of 1,600 COVID claims "武汉" is a rare bigram, but in the posts of January
2020 it is in every other one, and a claim would match every post that names the city. So the
document frequencies are counted over a sample of recently collected items (rebuilt now and
then, see :mod:`yuqing.rumours.engine`), and the wordings themselves count as documents too,
so a deployment that has collected nothing yet still gets sensible weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yuqing.rumours.matching.grams import I64, U64, distinct, grams


@dataclass(frozen=True, slots=True)
class Background:
    """Document frequency of every n-gram of ``documents`` texts (``keys`` sorted)."""

    keys: U64
    counts: I64
    documents: int

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Background:
        found = distinct(grams(texts))
        keys, counts = np.unique(found.keys, return_counts=True)
        return cls(keys=keys, counts=counts.astype(np.int64), documents=len(texts))

    @classmethod
    def empty(cls) -> Background:
        """No counts (always the same object, so caches keyed on it hold)."""
        return _EMPTY

    def frequency(self, keys: U64) -> I64:
        """In how many of the texts each of ``keys`` occurs."""
        if not len(self.keys):
            return np.zeros(len(keys), np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.counts[at], 0)


_EMPTY = Background(np.zeros(0, np.uint64), np.zeros(0, np.int64), 0)

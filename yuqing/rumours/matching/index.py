"""Score a batch of texts against every wording of every debunk entry at once.

The score of a text against a wording is the share of the wording's TF-IDF weight that the
text contains: the wording's distinct n-grams are weighted by their rarity in the collected
stream (:mod:`.background`), and the text contributes each n-gram it contains once. A post
that repeats a claim contains nearly all of its n-grams, whatever else it says; a post that
merely shares the topic contains the common ones, which weigh little. It is the claim-side
half of a TF-IDF cosine, normalised by what a perfect match would score, so 0.8 means the same
for a six-character claim as for a forty-character one.

Two conditions make a match, both configurable: the share (``threshold``) and the weight
matched, counted in "rare n-gram equivalents" (``min_evidence``: an n-gram that occurs in
almost no collected text counts 1, a common one much less), so that a short or generic claim
("这些疫情") cannot match every post that happens to contain it.

Weights are ``(idf / idf_max) ** power``; n-grams weighing less than :data:`NEGLIGIBLE` are
left out of the matrix altogether (they change no decision, and would make the product dense:
every COVID claim contains 新冠).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from yuqing.rumours.matching.background import Background
from yuqing.rumours.matching.grams import U64, distinct, grams
from yuqing.rumours.matching.wording import matching_form

#: Relative weight below which an n-gram is ignored.
NEGLIGIBLE = 0.02
#: Texts assumed to contain none of the wordings' n-grams, added to the counted ones: with
#: few collected items (a new deployment) the sample says little about rarity — a post
#: matched in the very batch the sample was taken from would make its own n-grams look
#: common — and the weights stay near 1; with tens of thousands they barely change.
PRIOR_DOCUMENTS = 1000
_NO_DAY = np.iinfo(np.int64).min
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Wording:
    """One way an entry's claim is put: the claim itself (``variant`` None) or a wording an
    analyst confirmed (the id of its :class:`~yuqing.rumours.models.Variant`)."""

    debunk: int
    text: str
    variant: int | None = None
    #: The entry's date as a day number (``date.toordinal()``), if it has one.
    day: int | None = None


@dataclass(frozen=True, slots=True)
class Config:
    threshold: float = 0.7
    min_evidence: float = 4.0
    power: float = 2.0
    max_per_text: int = 3
    #: A text dated this many days or more before an entry is not matched with it: a verdict
    #: published in 2021 does not speak of a post from 2020 (0: no such rule).
    lead_days: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A text's match with one entry, through its best wording."""

    debunk: int
    score: float
    evidence: float
    wording: Wording


def _binary_rows(keys: U64, docs: npt.NDArray[np.int64], vocabulary: U64,
                 rows: int) -> sp.csr_matrix:
    """Rows × vocabulary 0/1 matrix of which known n-grams each row contains."""
    if not len(vocabulary) or not len(keys):
        return sp.csr_matrix((rows, len(vocabulary)), dtype=np.float32)
    at = np.minimum(np.searchsorted(vocabulary, keys), len(vocabulary) - 1)
    hit = vocabulary[at] == keys
    matrix = sp.csr_matrix(
        (np.ones(int(hit.sum()), np.float32), (docs[hit], at[hit])),
        shape=(rows, len(vocabulary)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


class Index:
    """The wordings of a debunk base, ready to score batches (immutable once built)."""

    def __init__(self, wordings: Sequence[Wording], background: Background,
                 config: Config) -> None:
        self.config = config
        self.wordings = list(wordings)
        found = distinct(grams([matching_form(w.text) for w in self.wordings]))
        vocabulary, column = np.unique(found.keys, return_inverse=True)
        own = np.bincount(column, minlength=len(vocabulary))
        documents = background.documents + len(self.wordings) + PRIOR_DOCUMENTS
        frequency = background.frequency(vocabulary) + own
        top = np.log((documents + 1) / 2)  # an n-gram in a single wording and nothing else
        relative = np.log((documents + 1) / (frequency + 1)) / top
        weight = np.clip(relative, 0.0, 1.0) ** config.power
        keep = weight >= NEGLIGIBLE
        # Renumber the kept n-grams: only they form the vocabulary texts are looked up in.
        self.vocabulary: U64 = vocabulary[keep]
        new_column = np.cumsum(keep) - 1
        kept = keep[column]
        matrix = sp.csr_matrix(
            (weight[column[kept]].astype(np.float32),
             (found.docs[kept], new_column[column[kept]])),
            shape=(len(self.wordings), len(self.vocabulary)))
        #: Weight of a perfect match of each wording.
        self.mass: F32 = np.asarray(matrix.sum(axis=1), dtype=np.float32).ravel()
        self._weights_t = matrix.T.tocsr()
        self._debunk = np.array([w.debunk for w in self.wordings], dtype=np.int64)
        #: Earliest day a text may be from to match each wording (no limit: a very low day).
        lead = config.lead_days
        self._earliest = np.array(
            [w.day - lead + 1 if w.day is not None and lead else _NO_DAY
             for w in self.wordings], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.wordings)

    def scores(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Texts × wordings matrix of matched weight (0 where nothing is shared)."""
        found = grams(texts)
        present = _binary_rows(found.keys, found.docs, self.vocabulary, len(texts))
        return (present @ self._weights_t).tocsr()

    def match(self, texts: Sequence[str],
              days: Sequence[int] | None = None) -> list[list[Candidate]]:
        """For each text, its matching entries, best first (at most ``max_per_text``).

        ``days``: each text's date as a day number, for the ``lead_days`` rule (``None``: the
        texts are undated and the rule does not apply).
        """
        out: list[list[Candidate]] = [[] for _ in texts]
        if not texts or not self.wordings:
            return out
        matched = self.scores(texts).tocoo()
        share = matched.data / np.maximum(self.mass[matched.col], 1e-9)
        ok = ((share >= self.config.threshold - 1e-6)
              & (matched.data >= self.config.min_evidence - 1e-6))
        if days is not None:
            text_days = np.asarray(days, dtype=np.int64)
            ok &= text_days[matched.row] >= self._earliest[matched.col]
        rows, cols, shares, evidence = matched.row[ok], matched.col[ok], share[ok], matched.data[ok]
        debunks = self._debunk[cols]
        # Best wording per (text, entry), then the best entries per text.
        order = np.lexsort((-shares, debunks, rows))
        rows, cols, shares, evidence, debunks = (
            a[order] for a in (rows, cols, shares, evidence, debunks))
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (debunks[1:] != debunks[:-1])
        for row, col, score, weight in zip(rows[first].tolist(), cols[first].tolist(),
                                           shares[first].tolist(), evidence[first].tolist(),
                                           strict=True):
            out[row].append(Candidate(debunk=self.wordings[col].debunk, score=min(score, 1.0),
                                      evidence=weight, wording=self.wordings[col]))
        limit = self.config.max_per_text
        for row_candidates in out:
            if len(row_candidates) > 1:
                row_candidates.sort(key=lambda c: (-c.score, c.debunk))
                del row_candidates[limit:]
        return out

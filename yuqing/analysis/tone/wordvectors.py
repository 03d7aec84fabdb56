"""Word vectors learnt locally from unlabelled posts (PPMI + truncated SVD).

Bag-of-n-gram models only know the words their few thousand labelled posts contain; vectors
learnt from a larger pile of unlabelled Weibo text let 惊讶 help with 吃惊. PPMI-SVD needs no
download and no GPU and takes about a minute on 250,000 posts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

from yuqing.analysis.tone.lookup import Words, columns_of

#: Words seen fewer times have too few contexts for a stable vector.
MIN_COUNT = 5
WINDOW = 4
_NO_IDS = np.zeros(0, dtype=np.int64)


class WordVectors:
    """Vectors of frequent words, and document vectors as their TF-IDF-weighted mean."""

    def __init__(self, dimensions: int = 200) -> None:
        self.dimensions = dimensions
        self.index: dict[str, int] = {}
        self.vectors = np.zeros((0, dimensions), dtype=np.float32)
        self.idf = np.zeros(0, dtype=np.float32)

    def fit(self, documents: Sequence[list[str]]) -> WordVectors:
        counts = Counter(w for doc in documents for w in doc)
        vocabulary = [w for w, c in counts.items() if c >= MIN_COUNT]
        self.index = {w: i for i, w in enumerate(vocabulary)}
        size = len(vocabulary)
        ids = [np.fromiter((self.index[w] for w in doc if w in self.index), dtype=np.int64)
               for doc in documents]
        doc_freq = np.bincount(np.concatenate([_NO_IDS, *map(np.unique, ids)]),
                               minlength=size).astype(np.float64)
        cooc = self._cooccurrences(ids, size)
        dims = min(self.dimensions, max(size - 1, 1))
        self.vectors = np.zeros((size, self.dimensions), dtype=np.float32)
        if cooc.nnz and size > 1:
            self.vectors[:, :dims] = self._ppmi_svd(cooc, dims)
        self.idf = np.log((1 + len(documents)) / (1 + doc_freq)).astype(np.float32) + 1
        return self

    @staticmethod
    def _cooccurrences(ids: list[np.ndarray], size: int) -> sp.coo_matrix:
        """Symmetric counts of word pairs up to WINDOW apart within a document, weighted 1/distance.

        Done on one flat array of all documents (pairs across a document boundary masked out),
        because a Python loop over pairs took 85 of the 100 training seconds.
        """
        flat = np.concatenate([_NO_IDS, *ids])
        doc = np.repeat(np.arange(len(ids)), [len(d) for d in ids])
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for distance in range(1, WINDOW + 1):
            same = doc[distance:] == doc[:-distance]
            a, b = flat[distance:][same], flat[:-distance][same]
            rows += (a, b)
            cols += (b, a)
            weights.append(np.full(2 * len(a), 1.0 / distance))
        pairs = (np.concatenate(rows), np.concatenate(cols))
        return sp.coo_matrix((np.concatenate(weights), pairs), shape=(size, size)).tocsr().tocoo()

    @staticmethod
    def _ppmi_svd(cooc: sp.coo_matrix, dims: int) -> np.ndarray:
        total = cooc.sum()
        row_sum = np.asarray(cooc.sum(axis=1)).ravel()
        # Context-distribution smoothing (α = 0.75) keeps rare contexts from dominating PMI.
        col_sum = np.asarray(cooc.sum(axis=0)).ravel() ** 0.75
        col_sum = col_sum / col_sum.sum() * total
        pmi = np.log(cooc.data * total / (row_sum[cooc.row] * col_sum[cooc.col]))
        keep = pmi > 0
        ppmi = sp.csr_matrix((pmi[keep], (cooc.row[keep], cooc.col[keep])), shape=cooc.shape)
        left, singular, _ = randomized_svd(ppmi, dims, random_state=0)
        vectors = left * np.sqrt(singular)
        return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)

    def transform(self, words: Words) -> np.ndarray:
        """One unit-length vector per document (zero when it has no known word).

        The batch at once: a sparse (document × word) TF-IDF matrix times the vectors; a loop
        over documents cost ~30 µs per post.
        """
        ids = columns_of(words.distinct, self.index)[words.inverse]
        known = ids >= 0
        counts = sp.csr_matrix((np.ones(int(known.sum()), dtype=np.float32),
                                (words.doc[known], ids[known])),
                               shape=(len(words.lists), len(self.index)))
        counts.sum_duplicates()
        counts.data = (1 + np.log(counts.data)) * self.idf[counts.indices]
        out = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1)

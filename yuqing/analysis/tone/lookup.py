"""Fitted n-gram vectorisers' ``transform``, done as array look-ups instead of string counting.

scikit-learn's ``TfidfVectorizer.transform`` builds every n-gram of every text as a Python
string and counts it in a dict: on real Weibo posts (104 characters on average) the character
1–4-grams alone cost ~160 µs per post, and a trained tone model plus a trained emotion model
spent ~600 µs per post in the pipeline's text stage — four times the whole rest of it.

Here each character (or word) becomes an integer id, an n-gram a key packed from its ids, and
the vocabulary a sorted array of keys: one ``searchsorted`` per n-gram length finds every
column of a batch at once. The output is the vectoriser's own (same columns, same TF-IDF
values to rounding); :mod:`tests.analysis.test_tone_lookup` compares both on random text.

It relies on one property of the fitted vocabulary, checked when compiling: every part of a
kept n-gram is kept too (true of ``min_df`` pruning, since a part occurs in every document its
n-gram occurs in). Then an n-gram need only be looked up where its two (n-1)-gram parts were
found, which skips most 3- and 4-grams. A vectoriser without the property, or with options
this module does not reproduce, is not compiled and keeps scikit-learn's ``transform``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

#: Bits per id in a packed key: four 16-bit character ids fill 64 bits.
_BITS = np.uint64(16)
_MAX_IDS = 1 << 16
#: What ``TfidfVectorizer`` does to whitespace before it cuts character n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")


def _sorted_table(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Keys (sorted, uint64) and their columns."""
    keys = np.fromiter((k for k, _ in pairs), dtype=np.uint64, count=len(pairs))
    columns = np.fromiter((c for _, c in pairs), dtype=np.int64, count=len(pairs))
    order = np.argsort(keys)
    return keys[order], columns[order]


def _find(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which ``keys`` the table holds (a mask) and their columns."""
    known, columns = table
    if not len(known):
        return np.zeros(len(keys), dtype=bool), np.zeros(0, dtype=np.int64)
    order = np.argsort(keys)
    at = np.empty(len(keys), dtype=np.intp)
    # Sorted needles: each binary search starts from the last one's answer (numpy does that).
    at[order] = np.searchsorted(known, keys[order])
    at[at == len(known)] = 0
    found = known[at] == keys
    return found, columns[at[found]]


def _tfidf(rows: np.ndarray, columns: np.ndarray, n_docs: int,
           vectorizer: TfidfVectorizer) -> sp.csr_matrix:
    """Counts → the vectoriser's TF-IDF rows (sublinear tf, idf, L2), as its ``transform`` does."""
    shape = (n_docs, len(vectorizer.vocabulary_))
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=shape)
    matrix.sum_duplicates()
    if vectorizer.sublinear_tf:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1
    matrix.data *= vectorizer.idf_[matrix.indices]
    norms = np.sqrt(np.bincount(np.repeat(np.arange(n_docs), np.diff(matrix.indptr)),
                                weights=matrix.data ** 2, minlength=n_docs))
    norms[norms == 0] = 1
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
    return matrix


class Words(NamedTuple):
    """The words of a batch of texts, numbered: each model looks a distinct word up once, not
    each occurrence (four look-ups per occurrence — word n-grams and word vectors of the tone
    and the emotion model — cost ~60 µs a post)."""

    #: The words of each text.
    lists: Sequence[list[str]]
    #: Per occurrence, in order: the number of its text and its index into ``distinct``.
    doc: np.ndarray
    inverse: np.ndarray
    distinct: list[str]

    @classmethod
    def of(cls, lists: Sequence[list[str]]) -> Words:
        index: dict[str, int] = {}
        inverse = np.array([index.setdefault(word, len(index))
                            for word in chain.from_iterable(lists)], dtype=np.intp)
        doc = np.repeat(np.arange(len(lists)), [len(words) for words in lists])
        return cls(lists, doc, inverse, list(index))


def columns_of(words: list[str], mapping: dict[str, int]) -> np.ndarray:
    """Each word's entry in ``mapping``, -1 for a word it lacks."""
    get = mapping.get
    return np.array([get(word, -1) for word in words], dtype=np.int64)


def _plain(vectorizer: TfidfVectorizer) -> bool:
    """Options this module reproduces: TF-IDF with idf, L2 rows, float64, no count clipping."""
    return (vectorizer.use_idf and vectorizer.norm == "l2" and not vectorizer.binary
            and vectorizer.dtype == np.float64 and hasattr(vectorizer, "idf_"))


class CharNgrams:
    """``transform`` of a fitted ``TfidfVectorizer(analyzer="char", ngram_range=(1, n ≤ 4),
    lowercase=False)``."""

    def __init__(self, vectorizer: TfidfVectorizer, ids: np.ndarray, singles: np.ndarray,
                 tables: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        self.vectorizer = vectorizer
        #: Code point → character id (0: a character the vocabulary does not have).
        self.ids = ids
        #: Character id → its own column (-1 if single characters are not features).
        self.singles = singles
        #: n → the n-grams' packed keys and columns, for n ≥ 2.
        self.tables = tables
        self.high = vectorizer.ngram_range[1]

    @classmethod
    def compile(cls, vectorizer: TfidfVectorizer) -> CharNgrams | None:
        """The look-up form of ``vectorizer``, or None where it would not give the same output."""
        low, high = vectorizer.ngram_range
        if (vectorizer.analyzer != "char" or vectorizer.lowercase or vectorizer.preprocessor
                or vectorizer.strip_accents or low != 1 or not 1 <= high <= 4
                or not _plain(vectorizer)):
            return None
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        if any(len(gram) > 1 and (gram[:-1] not in vocabulary or gram[1:] not in vocabulary)
               for gram in vocabulary):
            return None  # a part was pruned: the look-ups below would miss the n-gram
        characters = sorted(gram for gram in vocabulary if len(gram) == 1)
        if not characters or len(characters) >= _MAX_IDS:
            return None
        ids = np.zeros(ord(characters[-1]) + 2, dtype=np.uint64)
        singles = np.full(len(characters) + 1, -1, dtype=np.int64)
        for number, ch in enumerate(characters, 1):
            ids[ord(ch)] = number
            singles[number] = vocabulary[ch]
        packed: dict[int, list[tuple[int, int]]] = {n: [] for n in range(2, high + 1)}
        for gram, column in vocabulary.items():
            if len(gram) > 1:
                key = 0
                for ch in gram:
                    key = (key << 16) | int(ids[ord(ch)])
                packed[len(gram)].append((key, column))
        return cls(vectorizer, ids, singles, {n: _sorted_table(p) for n, p in packed.items()})

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = [_WHITE_SPACES.sub(" ", text) for text in texts]
        points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"),
                               dtype=np.uint32)
        ids = self.ids[np.minimum(points, len(self.ids) - 1)]
        doc = np.repeat(np.arange(len(texts)), [len(text) for text in texts])
        # ``present``: where an n-gram of the previous length starts that the vocabulary has;
        # only there can a longer one start (every part of a kept n-gram is kept).
        present = ids != 0
        rows = [doc[present]]
        columns = [self.singles[ids[present]]]
        keys = ids
        for n in range(2, self.high + 1):
            keys = (keys[:-1] << _BITS) | ids[n - 1:]
            candidates = np.flatnonzero(present[:-1] & present[1:]
                                        & (doc[n - 1:] == doc[:len(doc) - n + 1]))
            found, found_columns = _find(self.tables[n], keys[candidates])
            at = candidates[found]
            present = np.zeros(len(keys), dtype=bool)
            present[at] = True
            rows.append(doc[at])
            columns.append(found_columns)
        return _tfidf(np.concatenate(rows), np.concatenate(columns), len(texts), self.vectorizer)


class WordNgrams:
    """``transform`` of a fitted ``TfidfVectorizer`` over words and ``"a b"`` word bigrams,
    given the words (:meth:`Features._word_ngrams` adds the bigrams in the slow path)."""

    def __init__(self, vectorizer: TfidfVectorizer, words: dict[str, int],
                 table: tuple[np.ndarray, np.ndarray]) -> None:
        self.vectorizer = vectorizer
        #: Word → its column (single words only).
        self.words = words
        #: Packed (column of a, column of b) → column of "a b".
        self.table = table

    @classmethod
    def compile(cls, vectorizer: TfidfVectorizer) -> WordNgrams | None:
        if not _plain(vectorizer):
            return None
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        words = {gram: column for gram, column in vocabulary.items() if " " not in gram}
        pairs = []
        for gram, column in vocabulary.items():
            if " " in gram:
                first, _, second = gram.partition(" ")
                if first not in words or second not in words:
                    return None  # a word containing a space, or a part pruned
                pairs.append(((words[first] << 32) | words[second], column))
        return cls(vectorizer, words, _sorted_table(pairs))

    def transform(self, words: Words) -> sp.csr_matrix:
        """``words``: of each text (words never contain spaces)."""
        doc = words.doc
        columns = columns_of(words.distinct, self.words)[words.inverse]
        known = columns >= 0
        pair = np.flatnonzero(known[:-1] & known[1:] & (doc[1:] == doc[:-1]))
        keys = (columns[pair].astype(np.uint64) << np.uint64(32)) | columns[pair + 1].astype(
            np.uint64)
        found, pair_columns = _find(self.table, keys)
        return _tfidf(np.concatenate([doc[known], doc[pair[found]]]),
                      np.concatenate([columns[known], pair_columns]),
                      len(words.lists), self.vectorizer)

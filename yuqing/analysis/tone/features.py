"""The feature space of the trained models: character and word n-grams, emoticons, word vectors.

Character 1–4-grams cope with unsegmented slang and typos, word 1–2-grams (rjieba) with
phrases, emoticon tokens with Weibo's strongest feeling signal, and the document vector with
words unseen in the labelled data. Measured contributions are in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from yuqing.analysis.tone.lookup import CharNgrams, WordNgrams, Words
from yuqing.analysis.tone.text import emoticon_tokens, normalise, prepared, tokens
from yuqing.analysis.tone.wordvectors import WordVectors


def _identity(words: list[str]) -> list[str]:
    return words


class Features:
    """Fit on training texts (plus unlabelled texts for the word vectors), then transform."""

    def __init__(self, vector_weight: float = 1.0) -> None:
        self.vector_weight = vector_weight
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True,
                                     min_df=2, lowercase=False)
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
        self.emoticons = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.vectors = WordVectors()
        self._lookups: tuple[CharNgrams | None, WordNgrams | None] | None = None

    def __getstate__(self) -> dict[str, object]:
        """Model files keep the vectorisers only; the look-ups are rebuilt on first use."""
        return {k: v for k, v in self.__dict__.items() if k != "_lookups"}

    def _compiled(self) -> tuple[CharNgrams | None, WordNgrams | None]:
        """Array look-up forms of the fitted n-gram vectorisers (see :mod:`.lookup`), ~5×
        faster than their ``transform``; None for one that cannot be reproduced."""
        lookups = getattr(self, "_lookups", None)
        if lookups is None:
            lookups = self._lookups = (CharNgrams.compile(self.chars),
                                       WordNgrams.compile(self.words))
        return lookups

    @staticmethod
    def _word_ngrams(words: list[str]) -> list[str]:
        return words + [a + " " + b for a, b in pairwise(words)]

    def fit_transform(self, texts: Sequence[str], unlabelled: Sequence[str] = ()) -> sp.csr_matrix:
        normal = [normalise(t) for t in texts]
        words = [tokens(t) for t in normal]
        extra_words = [tokens(normalise(t)) for t in unlabelled]
        self.vectors.fit(words + extra_words)
        self._lookups = None
        self.chars.fit(normal)
        self.words.fit([self._word_ngrams(w) for w in words])
        self.emoticons.fit([emoticon_tokens(t) for t in normal])
        return self._matrix(normal, Words.of(words))

    @property
    def counted(self) -> int:
        """How many leading columns are n-gram/emoticon TF-IDF; the document vector follows.

        NB-SVM scales only these (a dense vector component has no count to compare).
        """
        return sum(len(v.vocabulary_) for v in (self.chars, self.words, self.emoticons))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._matrix(*prepared(texts))

    def _matrix(self, normal: list[str], words: Words) -> sp.csr_matrix:
        chars, word_ngrams = self._compiled()
        return sp.hstack([
            chars.transform(normal) if chars else self.chars.transform(normal),
            word_ngrams.transform(words) if word_ngrams
            else self.words.transform([self._word_ngrams(w) for w in words.lists]),
            self.emoticons.transform([emoticon_tokens(t) for t in normal]),
            self.vectors.transform(words) * self.vector_weight,
        ]).tocsr()

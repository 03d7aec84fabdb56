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

from yuqing.analysis.tone.text import emoticon_tokens, normalise, tokens
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

    @staticmethod
    def _word_ngrams(words: list[str]) -> list[str]:
        return words + [a + " " + b for a, b in pairwise(words)]

    def fit_transform(self, texts: Sequence[str], unlabelled: Sequence[str] = ()) -> sp.csr_matrix:
        normal = [normalise(t) for t in texts]
        words = [tokens(t) for t in normal]
        extra_words = [tokens(normalise(t)) for t in unlabelled]
        self.vectors.fit(words + extra_words)
        self.chars.fit(normal)
        self.words.fit([self._word_ngrams(w) for w in words])
        self.emoticons.fit([emoticon_tokens(t) for t in normal])
        return self._matrix(normal, words)

    @property
    def counted(self) -> int:
        """How many leading columns are n-gram/emoticon TF-IDF; the document vector follows.

        NB-SVM scales only these (a dense vector component has no count to compare).
        """
        return sum(len(v.vocabulary_) for v in (self.chars, self.words, self.emoticons))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        normal = [normalise(t) for t in texts]
        return self._matrix(normal, [tokens(t) for t in normal])

    def _matrix(self, normal: list[str], words: list[list[str]]) -> sp.csr_matrix:
        return sp.hstack([
            self.chars.transform(normal),
            self.words.transform([self._word_ngrams(w) for w in words]),
            self.emoticons.transform([emoticon_tokens(t) for t in normal]),
            self.vectors.transform(words) * self.vector_weight,
        ]).tocsr()

"""Keywords: TF-IDF for one post, TextRank for a group of posts (an event).

Both work on tokens that are already cut (:mod:`.segment`): jieba's own
``jieba.analyse.extract_tags`` would cut every post again with the slow Python jieba.  The IDF
table is jieba's (``jieba/analyse/idf.txt``, ~270,000 words from a general news corpus), read
directly, once, when first needed; a word missing from it gets the table's median, as jieba
does — an unknown word is more likely a rare name than a function word, but not the rarest.

Which tokens may be keywords (:func:`candidates`): not punctuation or symbols, not numbers
(``2020``, ``3.5``, ``10%``, ``十万``), not link remnants (``t.cn``), not emoticons
(``[哈哈]``), not on the stop-word list (``stopwords_zh.txt``: function words, pronouns,
general verbs, Weibo boilerplate such as 转发微博 / 展开全文 / 网页链接), and not a single
character unless on an allow-list — single characters are mostly function words, but a handful
name incidents (火, 爆, 塌, 疫...).  ASCII tokens are lower-cased (COVID and covid are one
keyword).
"""

from __future__ import annotations

import functools
import heapq
import importlib.util
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_SINGLE_CHARS",
    "Idf",
    "candidates",
    "load_idf",
    "stopwords",
    "textrank",
    "tfidf",
]

#: Single characters that may be keywords: incidents and hazards a post may be about.
DEFAULT_SINGLE_CHARS = frozenset("火烧爆炸塌淹震疫毒骗抢砍杀偷拆堵罚贪雪雨霾洪旱")

_NUMBER = re.compile(r"[\d.,:%+\-/~]+[%‰万亿千百]?")
_WORDISH = re.compile(r"\w")
_CACHE_LIMIT = 500_000


@functools.cache
def stopwords() -> frozenset[str]:
    """The stop-word list shipped with this package (read once)."""
    text = (Path(__file__).parent / "stopwords_zh.txt").read_text(encoding="utf-8")
    return frozenset(word.lower() for line in text.splitlines()
                     if not line.lstrip().startswith("#") for word in line.split())


class Idf(Mapping[str, float]):
    """Inverse document frequencies: ``idf[word]`` (KeyError when unknown, as a mapping
    should), and :meth:`weight`, which gives unknown words :attr:`default` (the median)."""

    def __init__(self, table: Mapping[str, float], default: float | None = None) -> None:
        if not table:
            raise ValueError("an IDF table needs at least one word")
        self._table = dict(table)
        #: The weight of a word missing from the table: the table's median unless given.
        self.default = statistics.median(self._table.values()) if default is None else default
        # token → (keyword form, weight), or ("", 0.0) when it may not be a keyword; one memo
        # per single-character allow-list (see tfidf).
        self._scored: dict[frozenset[str], dict[str, tuple[str, float]]] = {}

    @classmethod
    def from_file(cls, path: str | Path) -> Idf:
        """Read ``word idf`` lines (jieba's format); malformed lines are skipped."""
        table: dict[str, float] = {}
        with Path(path).open(encoding="utf-8") as lines:
            for line in lines:
                word, _, value = line.strip().rpartition(" ")
                try:
                    table[word] = float(value)
                except ValueError:
                    continue
        table.pop("", None)
        return cls(table)

    def __getitem__(self, word: str) -> float:
        return self._table[word]

    def __contains__(self, word: object) -> bool:
        return word in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def weight(self, word: str) -> float:
        """The word's IDF, or :attr:`default` if the table does not have it."""
        return self._table.get(word, self.default)

    def _scores(self, single: frozenset[str]) -> dict[str, tuple[str, float]]:
        memo = self._scored.get(single)
        if memo is None or len(memo) >= _CACHE_LIMIT:
            memo = self._scored[single] = {}
        return memo


def _jieba_idf_path() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the jieba package is not installed")
    return Path(spec.origin).parent / "analyse" / "idf.txt"


@functools.cache
def load_idf(path: str | Path | None = None) -> Idf:
    """The IDF table at ``path``, jieba's by default (each file read once per process)."""
    return Idf.from_file(path if path is not None else _jieba_idf_path())


class _Filter:
    """Token → keyword form ("" when it may not be a keyword), memoised.

    Tokens repeat heavily across posts, so a dict look-up replaces the checks for all but the
    first sighting; the memo is dropped when it grows past a bound (new words never stop).
    """

    def __init__(self, single: frozenset[str]) -> None:
        self.single = single
        self.stop = stopwords()
        self.memo: dict[str, str] = {}

    def judge(self, token: str) -> str:
        word = token.lower() if token.isascii() else token
        if (word in self.stop
                or (len(word) == 1 and word not in self.single)
                or (word[0] == "[" and word[-1] == "]")
                or _WORDISH.search(word) is None
                or word.isnumeric()
                or _NUMBER.fullmatch(word)
                or (word.isascii() and ("." in word or "/" in word))):  # t.cn, weibo.com
            return ""
        return word

    def __call__(self, token: str) -> str:
        found = self.memo.get(token)
        if found is None:
            if len(self.memo) >= _CACHE_LIMIT:
                self.memo.clear()
            found = self.memo[token] = self.judge(token) if token else ""
        return found

    def many(self, tokens: Iterable[str]) -> list[str]:
        """Keyword forms of the tokens that may be keywords, in order."""
        tokens = list(tokens)
        found = list(map(self.memo.get, tokens))
        if None in found:
            found = [self(t) if f is None else f for f, t in zip(found, tokens, strict=True)]
        return [w for w in found if w]


@functools.lru_cache(maxsize=8)
def _filter(single: frozenset[str]) -> _Filter:
    return _Filter(single)


def candidates(tokens: Iterable[str], *,
               single_chars: frozenset[str] = DEFAULT_SINGLE_CHARS) -> list[str]:
    """The tokens that may be keywords, in keyword form (see module doc), in order."""
    return _filter(single_chars).many(tokens)


def _top(scores: Iterable[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """The ``k`` best (word, score) pairs, best first; ties broken by the word."""
    return heapq.nsmallest(k, scores, key=lambda ws: (-ws[1], ws[0]))


def tfidf(tokens: Sequence[str], k: int = 8, *, idf: Idf | None = None,
          single_chars: frozenset[str] = DEFAULT_SINGLE_CHARS) -> list[tuple[str, float]]:
    """The ``k`` words of one post with the highest TF × IDF, best first.

    TF is the word's share of the post's candidate words (as in jieba), so scores of posts of
    different lengths are comparable.
    """
    if k <= 0:
        return []
    table = idf if idf is not None else load_idf()
    memo = table._scores(single_chars)
    judge = _filter(single_chars)
    total = 0
    scores: dict[str, float] = {}
    # One pass over the distinct tokens: each is judged and weighted once per process.
    for token, n in Counter(tokens).items():
        scored = memo.get(token)
        if scored is None:
            word = judge(token)
            scored = memo[token] = (word, table.weight(word) if word else 0.0)
        word, weight = scored
        if word:
            total += n
            scores[word] = scores.get(word, 0.0) + n * weight
    if not total:
        return []
    ranked = sorted((-score, word) for word, score in scores.items())
    return [(word, -score / total) for score, word in ranked[:k]]


def textrank(token_lists: Sequence[Sequence[str]], k: int = 10, window: int = 5, *,
             single_chars: frozenset[str] = DEFAULT_SINGLE_CHARS,
             damping: float = 0.85) -> list[tuple[str, float]]:
    """The ``k`` central words of a group of posts (TextRank), best first, scaled so the best
    scores 1.0.

    Graph: candidate words are nodes; two words are linked, with weight = how often they occur
    within ``window`` consecutive tokens of the same post (stop words and punctuation count as
    positions, as in jieba, so the window spans the original text); the graph is undirected.
    Ranks are weighted PageRank (``damping``) by power iteration to convergence.  Deterministic:
    the same input gives the same output.
    """
    if k <= 0 or window < 2:
        return []
    judge = _filter(single_chars)
    vocab: dict[str, int] = {}
    sequence: list[int] = []
    gap = [-1] * (window - 1)  # keeps pairs from spanning two posts
    for tokens in token_lists:
        for token in tokens:
            word = judge(token)
            sequence.append(vocab.setdefault(word, len(vocab)) if word else -1)
        sequence.extend(gap)
    n = len(vocab)
    if n == 0:
        return []
    words = list(vocab)
    ids = np.asarray(sequence, dtype=np.int64)
    pairs = []
    for d in range(1, window):
        a, b = ids[:-d], ids[d:]
        keep = (a >= 0) & (b >= 0) & (a != b)
        pairs.append((a[keep], b[keep]))
    left = np.concatenate([p[0] for p in pairs] + [p[1] for p in pairs])
    right = np.concatenate([p[1] for p in pairs] + [p[0] for p in pairs])
    if left.size == 0:
        return _top(((w, 1.0) for w in words), k)
    # Merge repeated edges: weight = number of co-occurrences.
    edge, weight = np.unique(left * n + right, return_counts=True)
    src, dst = edge // n, edge % n
    out = np.bincount(src, weights=weight, minlength=n)
    share = weight / out[src]
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        new = (1.0 - damping) / n + damping * np.bincount(dst, weights=share * rank[src],
                                                          minlength=n)
        if np.abs(new - rank).sum() < 1e-9:
            rank = new
            break
        rank = new
    rank = rank / rank.max()
    return _top(zip(words, rank.tolist(), strict=True), k)

"""Keywords and extractive summaries of a group of posts, deterministic and traceable.

Both work on *story heads* — one post per story, so a text copied a thousand times counts
once (the copies weigh in through the story's size instead). Keywords are TextRank over the
heads' own words, as the pipeline segments them. A summary is made of whole sentences taken
from the heads, never rewritten: each :class:`Sentence` keeps the id of the item it comes
from, so a report can cite it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from yuqing.analysis.context import user_words
from yuqing.analysis.text.keywords import textrank
from yuqing.analysis.text.normalise import normalise_many
from yuqing.analysis.text.segment import Segmenter

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")
#: Sentences shorter than this say too little to stand alone in a summary.
MIN_SENTENCE = 12
MAX_SENTENCE = 120


@dataclass(frozen=True)
class Head:
    """The representative post of a story: its item, text and the story's size."""

    item_id: int
    text: str
    weight: int = 1


@dataclass(frozen=True)
class Sentence:
    text: str
    item_id: int
    score: float


def _words(heads: Sequence[Head]) -> list[list[str]]:
    norms = normalise_many([h.text for h in heads])
    segmenter = Segmenter(user_words())
    return segmenter.cut_many([n.own_content or n.content for n in norms])


def keywords(heads: Sequence[Head], k: int = 15) -> list[tuple[str, float]]:
    """The ``k`` central words of the heads, best first, the best scoring 1.0."""
    if not heads:
        return []
    return textrank(_words(heads), k=k)


def split_sentences(text: str) -> list[str]:
    """Sentences of a post, whitespace folded; repost chains (``//@``) cut off."""
    own = text.split("//@", 1)[0]
    parts = (" ".join(p.split()) for p in _SENTENCE_END.split(own))
    return [p for p in parts if p]


def summary(heads: Sequence[Head], n: int = 3,
            words: Sequence[tuple[str, float]] | None = None) -> list[Sentence]:
    """The ``n`` sentences that carry the most of the heads' keywords, in a stable order.

    A sentence scores the sum of the keyword weights it contains, times log-ish weight of its
    story (a story of many copies is what people saw), divided by its length to the power
    0.3 (long sentences contain more words without saying more). A sentence that repeats one
    already chosen is skipped. Ties are broken by item id, so the same posts always give the
    same summary.
    """
    words = list(words) if words is not None else keywords(heads)
    if not words:
        return []
    chosen: list[Sentence] = []
    candidates: list[Sentence] = []
    for head in heads:
        story = 1.0 + (head.weight - 1) ** 0.5 / 4
        for text in split_sentences(head.text):
            if not MIN_SENTENCE <= len(text) <= MAX_SENTENCE:
                continue
            score = sum(w for word, w in words if word in text)
            if score > 0:
                candidates.append(Sentence(text, head.item_id,
                                           round(score * story / len(text) ** 0.3, 6)))
    seen: set[str] = set()
    for sentence in sorted(candidates, key=lambda s: (-s.score, s.item_id, s.text)):
        key = re.sub(r"\W", "", sentence.text)
        if key in seen or any(key in s or s in key for s in seen):
            continue
        seen.add(key)
        chosen.append(sentence)
        if len(chosen) == n:
            break
    return chosen

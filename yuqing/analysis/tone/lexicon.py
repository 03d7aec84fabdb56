"""The default classifier: the hand-written lexicon in ``lexicon_zh.txt`` plus a few rules.

It exists so that a fresh install labels posts before anyone trains a model, and so that its
labels are explainable. Rules, per clause (split at punctuation):

* a sentiment word or emoticon adds ±1 (±2 for the "-strong" sections);
* an intensifier before it (within two words) multiplies by 1.5, a diminisher by 0.6;
* an odd number of negators within three words before it flips the sign (不开心, 不是很满意);
* after a contrast word (但是, 可是 …) the rest of the post counts double, what came before half.

Tone is negative/positive when the sum passes ±0.5, otherwise neutral. Emotion counts cue words
per class (negated cues ignored) and is **weak**: 0.40 macro-F1 on SMP2020 virus posts,
against 0.63 for a trained model — train one (``yuqing model train --task emotion``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from yuqing.analysis.tone.model import Prediction
from yuqing.analysis.tone.text import normalise, tokens

LEXICON_FILE = Path(__file__).with_name("lexicon_zh.txt")
_SECTION = re.compile(r"^\[([a-z:\-]+)\]$")
_CLAUSE_STRING = ",.!?;~:，。！？；～：、\n"
_CLAUSE_CHARS = frozenset(_CLAUSE_STRING)
_POLARITY = {"positive": 1.0, "positive-strong": 2.0, "emoticon-positive": 1.0,
             "negative": -1.0, "negative-strong": -2.0, "emoticon-negative": -1.0}
_SECTIONS = {*_POLARITY, "negator", "intensifier", "diminisher", "contrast"}
THRESHOLD = 0.5


@dataclass
class Lexicon:
    polarity: dict[str, float] = field(default_factory=dict)
    negators: set[str] = field(default_factory=set)
    intensifiers: set[str] = field(default_factory=set)
    diminishers: set[str] = field(default_factory=set)
    contrasts: set[str] = field(default_factory=set)
    emotions: dict[str, set[str]] = field(default_factory=dict)

    @cached_property
    def cues(self) -> frozenset[str]:
        """Every word any rule looks at: a clause with none of them scores 0 at once."""
        return frozenset(self.polarity)

    @cached_property
    def emotion_of(self) -> dict[str, tuple[str, ...]]:
        """Word → the emotions it cues (one look-up per word instead of one per class)."""
        found: dict[str, list[str]] = {}
        for emotion, words in self.emotions.items():
            for word in words:
                found.setdefault(word, []).append(emotion)
        return {word: tuple(emotions) for word, emotions in found.items()}

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        lexicon = cls()
        section = ""
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            header = _SECTION.match(line)
            if header and (header.group(1) in _SECTIONS or header.group(1).startswith("emotion:")):
                section = header.group(1)
                continue
            for word in line.split():
                lexicon._add(section, word)
        return lexicon

    def _add(self, section: str, word: str) -> None:
        if section in _POLARITY:
            self.polarity[word] = _POLARITY[section]
        elif section.startswith("emotion:"):
            self.emotions.setdefault(section.removeprefix("emotion:"), set()).add(word)
        else:
            {"negator": self.negators, "intensifier": self.intensifiers,
             "diminisher": self.diminishers, "contrast": self.contrasts}[section].add(word)


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.parse(LEXICON_FILE.read_text(encoding="utf-8"))


def _clauses(text: str) -> list[list[str]]:
    """Words per clause: one segmentation of the whole text, split at clause punctuation."""
    clauses: list[list[str]] = [[]]
    for word in tokens(normalise(text)):
        if word[0] in _CLAUSE_CHARS and not word.strip(_CLAUSE_STRING):
            if clauses[-1]:
                clauses.append([])
        else:
            clauses[-1].append(word)
    return [c for c in clauses if c]


def _negated(words: list[str], i: int, lexicon: Lexicon) -> bool:
    return sum(w in lexicon.negators for w in words[max(0, i - 3):i]) % 2 == 1


def _cue_words(words: list[str], lexicon: Lexicon) -> list[tuple[int, str]]:
    """Indices of words that carry sentiment; 好 in 好可怕 is an intensifier, not praise."""
    found = []
    for i, word in enumerate(words):
        if word not in lexicon.polarity:
            continue
        following = words[i + 1:i + 3]
        if word in lexicon.intensifiers and any(w in lexicon.polarity for w in following):
            continue
        found.append((i, word))
    return found


def _add_polarity(total: float, words: list[str], weight: float, lexicon: Lexicon) -> float:
    """``total`` plus the clause's cues, added one by one (as floats, in order)."""
    for i, word in _cue_words(words, lexicon):
        value = lexicon.polarity[word]
        before = words[max(0, i - 2):i]
        if any(w in lexicon.intensifiers for w in before):
            value *= 1.5
        if any(w in lexicon.diminishers for w in before):
            value *= 0.6
        if _negated(words, i, lexicon):
            value = -value * 0.8
        total += value * weight
    return total


class Reading(NamedTuple):
    """What the rules find in one text: the tone's signed sum and the emotion cues' votes
    (a cue word counts once per emotion it cues, unless negated)."""

    polarity: float
    votes: Counter[str]


@lru_cache(maxsize=8192)
def read(text: str) -> Reading:
    """Both rule sets in one pass over the text's clauses, under the shipped lexicon.

    Cached because the tone and the emotion model read the same batch one after the other;
    one pass for both instead of walking the clauses twice took tone + emotion from ~55 to
    ~45.5 µs per post (``bench/text.py``).
    """
    lexicon = default_lexicon()
    cues, cued = lexicon.cues, lexicon.emotion_of
    total, weight = 0.0, 1.0
    votes: Counter[str] = Counter()
    for words in _clauses(text):
        if any(w in lexicon.contrasts for w in words[:2]):
            total, weight = total * 0.5, 2.0
        if not cues.isdisjoint(words):
            total = _add_polarity(total, words, weight, lexicon)
        if not cued.keys().isdisjoint(words):
            for i, word in enumerate(words):
                emotions = cued.get(word)
                if emotions and not _negated(words, i, lexicon):
                    votes.update(emotions)
    return Reading(total, votes)


def polarity(text: str) -> float:
    """Signed sentiment sum of a text under the rules above (0 = no cue)."""
    return read(text).polarity


class LexiconToneModel:
    """Tone from :func:`polarity`; score grows with the size of the sum."""

    name = "lexicon"
    version = "zh-1"
    task = "tone"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            value = read(text).polarity
            if abs(value) < THRESHOLD:
                out.append(Prediction("neutral", round(1 - abs(value), 3)))
            else:
                label = "positive" if value > 0 else "negative"
                out.append(Prediction(label, round(0.5 + 0.5 * math.tanh(abs(value) / 2), 3)))
        return out


class LexiconEmotionModel:
    """Emotion: the class with the most cue words; weak, see the module docstring."""

    name = "lexicon"
    version = "zh-1"
    task = "emotion"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            votes = read(text).votes
            if not votes:
                out.append(Prediction("neutral", 0.5))
                continue
            label, count = votes.most_common(1)[0]
            out.append(Prediction(label, round(count / (sum(votes.values()) + 1), 3)))
        return out

"""Character 2- and 3-grams (and pairs one character apart) of a batch of texts, as exact
``uint64`` keys, with numpy.

Chinese has no spaces, and a rumour is retold with small changes (a word swapped, a particle
added, 新冠 for 新型冠状病毒), so texts are compared by overlapping character n-grams rather
than by segmented words: no dictionary decides the outcome, and a retelling keeps most of the
bigrams and trigrams of the original.

Each n-gram is packed exactly into one integer (21 bits per code point), so there is no hash
collision, and a whole batch is handled as one array: joined with NUL separators, decoded to
code points, folded, and n-grams formed by shifting the array: no Python work per text.

N-grams never span punctuation or emoji: those end a run of word characters (spaces are
dropped, since Chinese typesetting puts them around Latin words or not at will). A Latin
word or a number (``sars``, ``2020``, ``84``) becomes one symbol, so that "SARS" is compared
as a word rather than by the letter pairs every English word shares, and "2月2日" differs
from "2月20日".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: The n-gram lengths compared.
SIZES = (2, 3)
#: Also pair characters one apart (see :func:`grams`).
SKIP = True
_BITS = np.uint64(21)
#: Supplementary private use area A: one code point per Latin word or number.
_SYMBOLS = 0xF0000
_SYMBOL_SPAN = 0xFFFE
#: Code points below this get a word/non-word flag from Python's ``str.isalnum``.
_TABLE_SIZE = 0x30000
_SEPARATOR = "\x00"
_SEPARATOR_CODE = 0
#: Powers of an odd multiplier for the Latin-word hash; longer words reuse the last power.
_POWERS = np.concatenate([np.ones(1, np.uint64),
                          np.cumprod(np.full(63, 0x100000001B3, np.uint64), dtype=np.uint64)])


@functools.cache
def _word_table() -> npt.NDArray[np.bool_]:
    """Which code points are word characters (CJK, letters, digits): built once, ~30 ms."""
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    table[[c for c in range(_TABLE_SIZE) if chr(c).isalnum()]] = True
    return table


def _mix(x: U64) -> U64:
    """SplitMix64's finaliser (arrays wrap modulo 2**64, which the mix relies on)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _fold_codes(raw: npt.NDArray[np.uint32]) -> U64:
    """Full-width ASCII folded, ASCII upper case lowered, each run of ASCII letters and digits
    replaced by one symbol (a hash of the run in the private use area)."""
    codes = raw.astype(np.uint64)
    full = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[full] -= np.uint64(0xFEE0)
    upper = (codes >= 0x41) & (codes <= 0x5A)
    codes[upper] += np.uint64(0x20)
    latin = ((codes >= 0x61) & (codes <= 0x7A)) | ((codes >= 0x30) & (codes <= 0x39))
    if not latin.any():
        return codes
    starts = np.flatnonzero(latin & ~np.concatenate([[False], latin[:-1]]))
    ends = np.flatnonzero(latin & ~np.concatenate([latin[1:], [False]]))
    positions = np.flatnonzero(latin)
    run = np.searchsorted(starts, positions, side="right") - 1
    offset = np.minimum(positions - starts[run], len(_POWERS) - 1)
    weighted = codes[positions] * _POWERS[offset]
    hashes = np.add.reduceat(weighted, np.searchsorted(positions, starts))
    codes[ends] = np.uint64(_SYMBOLS) + _mix(hashes) % np.uint64(_SYMBOL_SPAN)
    keep = np.ones(len(codes), dtype=bool)
    keep[positions] = False
    keep[ends] = True
    return codes[keep]


def _drop_spaces(codes: U64) -> U64:
    """Spaces go: "SARS 病毒" and "SARS病毒", "84 消毒液" and "84消毒液" are the same words
    (typesetting conventions differ), and an n-gram across a space between two Chinese
    phrases costs nothing."""
    return codes[(codes != 0x20) & (codes != 0x3000)]


def encode(texts: Sequence[str]) -> U64:
    """The batch as one array of folded code points, each text followed by a 0."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):  # a text holds a NUL itself
        joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    raw = np.frombuffer((joined + _SEPARATOR).encode("utf-32-le"), dtype=np.uint32)
    return _drop_spaces(_fold_codes(raw))


@dataclass(frozen=True, slots=True)
class Grams:
    """Every n-gram occurrence of a batch: ``keys[i]`` occurs in text ``docs[i]``."""

    keys: U64
    docs: I64
    count: int


def grams(texts: Sequence[str], sizes: Sequence[int] = SIZES, skip: bool = SKIP) -> Grams:
    """The n-grams of each text (repeats kept; callers that need sets deduplicate)."""
    if not texts:
        return Grams(np.zeros(0, np.uint64), np.zeros(0, np.int64), 0)
    codes = encode(texts)
    word = np.zeros(len(codes), dtype=bool)
    low = codes < _TABLE_SIZE
    word[low] = _word_table()[codes[low]]
    word |= codes >= _SYMBOLS
    separator = codes == _SEPARATOR_CODE
    doc = np.cumsum(separator, dtype=np.int64) - separator
    keys: list[U64] = []
    docs: list[I64] = []
    for size in sizes:
        span = len(codes) - size + 1
        if span <= 0:
            continue
        valid = word[:span].copy()
        key = codes[:span].copy()
        for offset in range(1, size):
            valid &= word[offset:span + offset]
            key = (key << _BITS) | codes[offset:span + offset]
        keys.append(key[valid])
        docs.append(doc[:span][valid])
    if skip and len(codes) > 2:
        # Pairs one character apart, in the bigram key space: "明天起要封闭" then holds the
        # pair 起封 of "明天起封闭". A retelling inserts and drops particles (的, 了, 要, 都).
        span = len(codes) - 2
        valid = word[:span] & word[1:span + 1] & word[2:]
        keys.append(((codes[:span] << _BITS) | codes[2:])[valid])
        docs.append(doc[:span][valid])
    if not keys:
        return Grams(np.zeros(0, np.uint64), np.zeros(0, np.int64), len(texts))
    return Grams(np.concatenate(keys), np.concatenate(docs), len(texts))


def distinct(found: Grams) -> Grams:
    """Each n-gram once per text."""
    if not len(found.keys):
        return found
    order = np.lexsort((found.keys, found.docs))
    keys, docs = found.keys[order], found.docs[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    return Grams(keys[first], docs[first], found.count)

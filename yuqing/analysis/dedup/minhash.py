"""Vectorised MinHash signatures and LSH band keys for a batch of texts.

Why this and not ``datasketch``: datasketch hashes every shingle of every post
in Python and applies 128 permutations per shingle, and keeps Python objects
per indexed post.  Here a whole batch is turned into one array of character
code points, every character 3-gram of every post is packed into one
``uint64`` exactly (3 × 21 bits, so no hashing collisions before mixing), mixed
once with SplitMix64, and reduced to a signature with **one permutation
hashing** (Li, Owen & Zhang 2012): the top bits of the mixed value pick one of
``k`` bins and the bin keeps its minimum.  Empty bins (short posts have fewer
shingles than bins) are filled by **improved densification** (Shrivastava &
Li 2014), which keeps the collision probability of two signatures at each bin
equal to their Jaccard similarity.  The cost is
O(shingles) instead of O(shingles × permutations).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "EMPTY",
    "Encoded",
    "band_keys",
    "encode",
    "exact_keys",
    "fold_codes",
    "mix64",
    "shingle_hashes",
    "signatures",
    "similarity",
]

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

#: Marker of an empty bin; real bin values are capped one below it.
EMPTY = np.uint32(0xFFFFFFFF)
_SHIFT21 = np.uint64(21)
_SHIFT42 = np.uint64(42)
_LOW32 = np.uint64(0xFFFFFFFF)
_DISTANCE_SALT = np.uint64(0x9E3779B1)


def mix64(x: U64) -> U64:
    """SplitMix64 finaliser: a fast bijective mix so nearby inputs spread out.

    Works on arrays only: numpy wraps array arithmetic modulo 2**64 silently,
    which is exactly what the mix needs (scalars would warn on overflow).
    """
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@dataclass(frozen=True, slots=True)
class Encoded:
    """A batch of texts as one array of width-folded code points.

    ``doc`` and ``pos`` give, for every code point, its text index and its
    position inside that text; computing them once serves both the 3-gram
    shingles and the exact-duplicate key.
    """

    codes: U64
    lengths: I64
    doc: I64
    pos: I64


def fold_codes(codes: U32) -> U32:
    """Full-width ASCII (U+FF01-U+FF5E) → ASCII on code points; same map as
    :func:`yuqing.analysis.dedup.textnorm.fold_width` (ideographic spaces are
    already gone: matching text has no whitespace)."""
    full = (codes >= 0xFF01) & (codes <= 0xFF5E)
    return np.where(full, codes - np.uint32(0xFEE0), codes)


def encode(texts: list[str]) -> Encoded:
    """Concatenate ``texts`` into folded code points with per-point doc/position."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    raw = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(doc.size, dtype=np.int64) - starts[doc]
    return Encoded(fold_codes(raw).astype(np.uint64), lengths, doc, pos)


def shingle_hashes(enc: Encoded) -> tuple[U64, I64]:
    """Mixed hashes of all character 3-grams and each one's text index.

    Texts shorter than three characters contribute no shingles.
    """
    c = enc.codes
    if c.size < 3:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    packed = c[:-2] | (c[1:-1] << _SHIFT21) | (c[2:] << _SHIFT42)
    doc = enc.doc[:-2]
    # A 3-gram is valid when it does not run past the end of its own text.
    valid = enc.pos[:-2] < enc.lengths[doc] - 2
    return mix64(packed[valid]), doc[valid]


def exact_keys(enc: Encoded) -> U64:
    """A 64-bit key per text that is equal for equal (folded) texts.

    Sum of position-salted mixes of each code point, then mixed with the
    length: order-sensitive, vectorised, and unlike Python's ``hash`` not
    salted per process, so the index is reproducible.
    """
    salted = mix64(enc.codes ^ mix64(enc.pos.astype(np.uint64)))
    keys = np.zeros(enc.lengths.size, dtype=np.uint64)
    np.add.at(keys, enc.doc, salted)
    return mix64(keys ^ enc.lengths.astype(np.uint64))


def _directions(k: int) -> npt.NDArray[np.bool_]:
    """Fixed pseudo-random borrowing direction per bin (True = from the right)."""
    dirs = _DIRECTIONS.get(k)
    if dirs is None:
        dirs = _DIRECTIONS[k] = np.random.default_rng(0x5EED + k).random(k) < 0.5
    return dirs


_DIRECTIONS: dict[int, npt.NDArray[np.bool_]] = {}


def signatures(enc: Encoded, k: int) -> U32:
    """One-permutation-hashing signatures of shape ``(number of texts, k)``.

    ``k`` must be a power of two (the bin is the top ``log2 k`` bits).  A text
    without any 3-gram gets a row of :data:`EMPTY`; callers must not index it.
    """
    if k < 2 or k & (k - 1):
        raise ValueError(f"k must be a power of two >= 2, got {k}")
    n = enc.lengths.size
    hashes, doc = shingle_hashes(enc)
    bits = k.bit_length() - 1
    bins = (hashes >> np.uint64(64 - bits)).astype(np.int64)
    values = np.minimum(hashes & _LOW32, np.uint64(EMPTY) - np.uint64(1)).astype(np.uint32)
    flat = np.full(n * k, EMPTY, dtype=np.uint32)
    np.minimum.at(flat, doc * k + bins, values)
    return _densify(flat.reshape(n, k), k)


def _densify(raw: U32, k: int) -> U32:
    """Fill empty bins (improved densification, Shrivastava & Li, UAI 2014).

    An empty bin borrows the value of the nearest non-empty bin in its fixed
    direction (circularly), salted by the distance so that borrowed values
    only collide when both the donor and the distance agree; the collision
    probability per bin stays the Jaccard similarity.  Nearest neighbours in
    both directions come from running min/max over a doubled row, a handful
    of whole-array numpy passes (donor-sequence schemes need one pass per
    attempt, and short posts leave most bins empty).
    """
    empty = raw == EMPTY
    rows = np.nonzero(empty.any(axis=1))[0]
    if rows.size == 0:
        return raw
    sub = raw[rows]
    full = np.concatenate([sub, sub], axis=1) != EMPTY
    cols = np.arange(2 * k)
    right = np.minimum.accumulate(np.where(full, cols, 3 * k)[:, ::-1], axis=1)[:, ::-1][:, :k]
    left = np.maximum.accumulate(np.where(full, cols, -k), axis=1)[:, k:]
    j = np.arange(k)
    from_right = _directions(k)
    dist = np.where(from_right, right - j, j + k - left)
    src = np.where(from_right, right, left) % k
    salted = np.take_along_axis(sub, src, axis=1).astype(np.uint64) + (
        dist.astype(np.uint64) * _DISTANCE_SALT
    )
    borrowed = np.minimum(salted & _LOW32, np.uint64(EMPTY) - np.uint64(1)).astype(np.uint32)
    # Rows without any shingle stay EMPTY (their distances are nonsense).
    blank = ~full[:, :k].any(axis=1)
    borrowed[blank] = EMPTY
    out = raw.copy()
    out[rows] = np.where(sub == EMPTY, borrowed, sub)
    return out


def band_keys(sig: U32, bands: int) -> U64:
    """LSH keys of shape ``(n, bands)``: one 64-bit hash per band of rows.

    The band number is mixed into the seed so equal rows in different bands
    never produce the same key.
    """
    n, k = sig.shape
    rows = k // bands
    if rows * bands != k:
        raise ValueError(f"{bands} bands do not divide {k} signature bins")
    grouped = sig.reshape(n, bands, rows).astype(np.uint64)
    acc = np.broadcast_to(
        mix64(np.arange(1, bands + 1, dtype=np.uint64)), (n, bands)
    ).copy()
    for r in range(rows):
        acc = mix64(acc ^ grouped[:, :, r])
    return acc


def similarity(a: U32, b: U32) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of paired signature rows (fraction of equal bins)."""
    return np.mean(a == b, axis=1)

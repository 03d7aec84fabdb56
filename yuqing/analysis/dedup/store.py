"""Compact, time-bucketed storage of indexed posts.

Memory is the constraint here (≤ 1.4 KB per indexed post), so nothing is kept
per post as a Python object: a :class:`Segment` holds the records that one
batch added to one time bucket as a few numpy arrays, and each lookup table is
a *sorted* key array with a parallel slot array, searched with
``np.searchsorted`` for a whole batch of queries at once (a hash table of
Python ints would cost ~100 B per entry).  Segments of the newest bucket are
merged when there are too many of them, every older bucket is merged into one
(an LSM-tree in miniature), and whole buckets
are dropped when they fall out of the time window, which is what bounds
memory on an endless stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

__all__ = ["KeyTable", "Queries", "Segment", "TimeBuckets", "lookup"]

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I32 = npt.NDArray[np.int32]


class Queries:
    """Query keys sorted once and searched against many tables.

    ``np.searchsorted`` with sorted needles walks the table nearly
    sequentially; random needles cost a cache miss per halving step, which
    made unsorted lookups ~10x slower on tables of a million keys.
    """

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]

    def __len__(self) -> int:
        return int(self.sorted.size)


def lookup(
    keys: npt.NDArray[np.uint64], queries: Queries, cap: int | None = None
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All ``(query index, key position)`` pairs with ``keys[pos] == query``.

    ``keys`` must be sorted; query indices refer to the unsorted query array.
    ``cap`` keeps at most that many matches per query: a popular text can sit
    in the index thousands of times, and checking a few of its copies tells
    as much as checking all of them.
    """
    lo = np.searchsorted(keys, queries.sorted, side="left")
    if cap is None:
        counts = np.searchsorted(keys, queries.sorted, side="right") - lo
    else:
        # Most queries miss: probing up to ``cap`` slots after ``lo`` is
        # cheaper than a second binary search.
        counts = np.zeros(lo.size, dtype=np.intp)
        alive = np.ones(lo.size, dtype=bool)
        for step in range(cap):
            at = lo + step
            alive &= at < keys.size
            alive[alive] = keys[at[alive]] == queries.sorted[alive]
            counts += alive
            if not alive.any():
                break
    total = int(counts.sum())
    if total == 0:
        empty = np.empty(0, np.intp)
        return empty, empty
    q = np.repeat(queries.order, counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.repeat(lo, counts) + (np.arange(total) - first)
    return q, pos


@dataclass(slots=True)
class KeyTable:
    """A sorted key array and, for each key, the record slot it belongs to."""

    keys: U64
    slots: U32

    @classmethod
    def build(cls, keys: U64, slots: npt.NDArray[np.integer]) -> KeyTable:
        """Sort ``keys`` (stably, so equal keys keep insertion order)."""
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], slots[order].astype(np.uint32))

    @classmethod
    def merge(cls, tables: list[KeyTable], offsets: list[int]) -> KeyTable:
        """Concatenate tables whose slots are shifted by ``offsets``."""
        keys = np.concatenate([t.keys for t in tables])
        slots = np.concatenate(
            [t.slots.astype(np.int64) + off for t, off in zip(tables, offsets, strict=True)]
        )
        return cls.build(keys, slots)

    @property
    def nbytes(self) -> int:
        """Bytes held by the two arrays."""
        return int(self.keys.nbytes + self.slots.nbytes)


@dataclass(slots=True)
class Segment:
    """Records of one time bucket added together.

    Per record: ``ids``, ``times`` (epoch seconds), ``heads`` / ``head_times``
    (the current head of its story, denormalised so that a story survives its
    head's eviction and a merge is a vectorised relabel).  Signatures exist
    only for records that carry band keys; ``sig_slots`` maps a signature row
    to its record.  Tables: ``bands`` (LSH band key → signature row),
    ``exact`` (normalised-text key → record), ``by_id`` (item id → record),
    ``waiting`` (parent id → short child record whose parent was unknown).
    """

    ids: I64
    times: I64
    heads: I64
    head_times: I64
    sigs: U32
    sig_slots: U32
    bands: KeyTable
    exact: KeyTable
    by_id: KeyTable
    waiting: KeyTable

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def nbytes(self) -> int:
        """Bytes held by the segment's arrays."""
        total = 0
        for f in fields(self):
            value = getattr(self, f.name)
            total += int(value.nbytes)
        return total

    @classmethod
    def merge(cls, parts: list[Segment]) -> Segment:
        """One segment holding all records of ``parts`` (same bucket)."""
        rec_off = np.cumsum([0] + [len(p) for p in parts[:-1]]).tolist()
        sig_off = np.cumsum([0] + [p.sig_slots.size for p in parts[:-1]]).tolist()
        return cls(
            ids=np.concatenate([p.ids for p in parts]),
            times=np.concatenate([p.times for p in parts]),
            heads=np.concatenate([p.heads for p in parts]),
            head_times=np.concatenate([p.head_times for p in parts]),
            sigs=np.concatenate([p.sigs for p in parts]),
            sig_slots=np.concatenate(
                [p.sig_slots + np.uint32(o) for p, o in zip(parts, rec_off, strict=True)]
            ),
            bands=KeyTable.merge([p.bands for p in parts], sig_off),
            exact=KeyTable.merge([p.exact for p in parts], rec_off),
            by_id=KeyTable.merge([p.by_id for p in parts], rec_off),
            waiting=KeyTable.merge([p.waiting for p in parts], rec_off),
        )

    def relabel(self, old: I64, new: I64, new_times: I64) -> None:
        """Move records whose head is in sorted ``old`` to the matching ``new`` head."""
        hit = np.isin(self.heads, old)
        if hit.any():
            where = np.searchsorted(old, self.heads[hit])
            self.heads[hit] = new[where]
            self.head_times[hit] = new_times[where]


class TimeBuckets:
    """A ring of time buckets of segments; the unit of eviction is a bucket.

    Memory is bounded by the records whose bucket overlaps the window, i.e.
    the window plus at most one bucket width.
    """

    #: Merge the newest bucket's segments once it has more than this many, which keeps the
    #: number of ``searchsorted`` calls per batch small while it still receives posts.
    MAX_SEGMENTS = 6

    def __init__(self, bucket_seconds: int) -> None:
        self.bucket_seconds = bucket_seconds
        self._buckets: dict[int, list[Segment]] = {}

    def segments(self) -> Iterator[Segment]:
        """All live segments, oldest bucket first (deterministic order)."""
        for key in sorted(self._buckets):
            yield from self._buckets[key]

    def add(self, bucket: int, segment: Segment) -> None:
        """Append a segment to a bucket, compacting buckets when needed.

        Every bucket older than the newest is merged into one segment: a stream moves on to
        newer buckets and rarely comes back, so each is merged about once, and a full window
        is searched with ~one lookup per bucket instead of up to :data:`MAX_SEGMENTS` (the
        lookups of a filling window grew the story stage from 24 to 70 µs per item).
        """
        self._buckets.setdefault(bucket, []).append(segment)
        newest = max(self._buckets)
        for key, parts in self._buckets.items():
            if len(parts) > (self.MAX_SEGMENTS if key == newest else 1):
                self._buckets[key] = [Segment.merge(parts)]

    def evict_before(self, cutoff: int) -> int:
        """Drop buckets that end at or before ``cutoff``; return records dropped."""
        dropped = 0
        for key in [k for k in self._buckets if (k + 1) * self.bucket_seconds <= cutoff]:
            dropped += sum(len(s) for s in self._buckets.pop(key))
        return dropped

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments())

    @property
    def nbytes(self) -> int:
        """Bytes held by all segments' arrays."""
        return sum(s.nbytes for s in self.segments())

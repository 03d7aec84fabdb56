"""Group exact duplicates, near-duplicates and reposts into stories.

A *story* is a connected group of posts; its id is the id of its earliest
post (the *head*).  :class:`StoryIndex` receives posts in batches and answers,
for each post, the id of its story.

Grouping is **union-find over matches**, not "join the best existing story".
A post links to every post it matches (same normalised text, estimated
Jaccard ≥ threshold on character 3-grams, or plain repost of a known parent),
and linked stories merge.  That makes the grouping independent of arrival
order (up to the candidate cap and window eviction): a late-arriving earlier
post that bridges two stories merges them and becomes the head, which is what
"the earliest item is the head, even when batches arrive out of order"
requires.  The price is possible chaining (A~B~C with A≁C); the 0.7
threshold keeps chains short in practice (see ``docs/benchmarks.md``).
When a merge or an earlier post changes the head of a story that already had
members, :attr:`BatchResult.relabelled` reports ``old head → new head`` so a
caller that stored story ids can update them.

Matching needs text: a post whose matchable content is shorter than
``min_chars`` (``转发微博``, an emoji, an empty plain repost) is not matched by
text.  If such a post has a ``parent_id`` and its own words are that short,
it joins its parent's story - now, if the parent is indexed, or when the parent
arrives (the child waits in the ``waiting`` table).

Memory is bounded by a rolling window: posts live in time buckets
(``window / buckets`` wide) that are dropped whole once they end before
``newest post time - window``.  A story outlives its head's eviction because
every record carries its head id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from . import minhash
from .store import KeyTable, Queries, Segment, TimeBuckets, lookup
from .textnorm import MatchText, match_text

__all__ = ["BatchResult", "StoryConfig", "StoryIndex", "StoryItem"]

I64 = npt.NDArray[np.int64]
_ExtNode = Callable[[int, int], int]
_CHUNK = 2048  # texts per sketching chunk: keeps numpy temporaries in cache


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One post as the story index needs it.

    ``id`` is the post's integer key (the database primary key in the
    pipeline); ``published_at`` a datetime (naive ones are read as UTC);
    ``parent_id`` the post it reposts or replies to, when known; ``match`` its
    :func:`match_text` with ``fold=False`` when the caller prepared it (the pipeline does, in
    its worker processes), else it is computed here.
    """

    id: int
    text: str
    published_at: datetime
    parent_id: int | None = None
    match: MatchText | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Story ids in input order, and heads of earlier stories that changed."""

    story_ids: list[int]
    relabelled: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Tuning knobs; the defaults are the measured ones (``bench/dedup.py``).

    ``num_bins`` signature bins (power of two) in ``bands`` LSH bands;
    ``threshold`` on estimated Jaccard of character 3-grams; ``min_chars``
    below which content is not matched; ``candidate_cap`` stored candidates
    checked per band key; ``window`` / ``buckets`` the rolling window.
    """

    num_bins: int = 64
    bands: int = 16
    threshold: float = 0.7
    min_chars: int = 6
    candidate_cap: int = 4
    window: timedelta = timedelta(hours=72)
    buckets: int = 12


@dataclass(frozen=True, slots=True)
class _Sketch:
    """Per eligible post: exact-text key, signature row, band keys."""

    exact: npt.NDArray[np.uint64]
    sigs: npt.NDArray[np.uint32]
    bands: npt.NDArray[np.uint64]


class _UnionFind:
    """Union-find whose roots remember the earliest ``(time, id)`` of their set."""

    def __init__(self, values: list[tuple[int, int]]) -> None:
        self.parent = list(range(len(values)))
        self.best = values

    def add(self, value: tuple[int, int]) -> int:
        self.parent.append(len(self.parent))
        self.best.append(value)
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if self.best[rb] < self.best[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def head(self, x: int) -> tuple[int, int]:
        return self.best[self.find(x)]


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


class StoryIndex:
    """Incremental story grouping over a rolling time window (see module doc)."""

    def __init__(self, config: StoryConfig | None = None) -> None:
        self.config = config or StoryConfig()
        cfg = self.config
        if cfg.num_bins % cfg.bands:
            raise ValueError("bands must divide num_bins")
        self._window = int(cfg.window.total_seconds())
        self._store = TimeBuckets(max(1, self._window // cfg.buckets))
        self._watermark: int | None = None

    def __len__(self) -> int:
        """Posts currently indexed (inside the window)."""
        return len(self._store)

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's numpy arrays."""
        return self._store.nbytes

    def add_batch(self, items: Sequence[StoryItem]) -> BatchResult:
        """Index ``items`` and return each one's story id (its story's earliest post).

        Deterministic; an id seen before (in this or an earlier batch) is not
        indexed again and gets its story's current id, so re-running a batch
        is harmless.  Within a batch the first occurrence of an id wins.
        """
        cfg = self.config
        n = len(items)
        first: dict[int, int] = {}
        first_of = [first.setdefault(it.id, i) for i, it in enumerate(items)]
        uniq = list(first.values())
        ids = np.fromiter((items[i].id for i in uniq), np.int64, len(uniq))
        known = self._known_heads(ids)

        new_pos = [p for p in range(len(uniq)) if p not in known]
        new_items = [items[uniq[p]] for p in new_pos]
        new_ids = ids[new_pos]
        times = np.fromiter((_epoch(it.published_at) for it in new_items), np.int64, len(new_pos))
        uf = _UnionFind(list(zip(times.tolist(), new_ids.tolist(), strict=True)))
        ext: dict[int, int] = {}  # head id of a stored story -> union-find node

        def ext_node(head: int, head_time: int) -> int:
            node = ext.get(head)
            if node is None:
                node = ext[head] = uf.add((head_time, head))
            return node

        texts = [it.match or match_text(it.text, fold=False) for it in new_items]
        eligible = [i for i, t in enumerate(texts) if len(t.content) >= cfg.min_chars]
        sketch = self._sketch([texts[i].content for i in eligible])
        band_rows, store_rows = self._match_text(eligible, sketch, uf, ext_node, times)
        waiting = self._match_parents(new_items, texts, new_ids, uf, ext_node)

        relabelled = self._relabel(uf, ext)
        heads = [uf.head(i) for i in range(len(new_items))]
        self._insert(new_ids, times, heads, eligible, sketch, band_rows, store_rows, waiting)

        story_of_uniq: dict[int, int] = {}
        for p, head in known.items():
            story_of_uniq[uniq[p]] = relabelled.get(head, head)
        for k, p in enumerate(new_pos):
            story_of_uniq[uniq[p]] = heads[k][1]
        return BatchResult([story_of_uniq[first_of[i]] for i in range(n)], relabelled)

    # -- steps of add_batch -------------------------------------------------

    def _known_heads(self, ids: I64) -> dict[int, int]:
        """Positions in ``ids`` already indexed → their story's current head."""
        known: dict[int, int] = {}
        keys = Queries(ids.view(np.uint64))
        for seg in self._store.segments():
            q, pos = lookup(seg.by_id.keys, keys, cap=1)
            for qi, head in zip(
                q.tolist(), seg.heads[seg.by_id.slots[pos]].tolist(), strict=True
            ):
                known.setdefault(qi, head)
        return known

    def _sketch(self, contents: list[str]) -> _Sketch:
        """Exact keys, signatures and band keys of ``contents``, in chunks."""
        k, nb = self.config.num_bins, self.config.bands
        exact = [np.empty(0, np.uint64)]
        sigs = [np.empty((0, k), np.uint32)]
        bands = [np.empty((0, nb), np.uint64)]
        for start in range(0, len(contents), _CHUNK):
            enc = minhash.encode(contents[start : start + _CHUNK])
            sig = minhash.signatures(enc, k)
            exact.append(minhash.exact_keys(enc))
            sigs.append(sig)
            bands.append(minhash.band_keys(sig, nb))
        return _Sketch(np.concatenate(exact), np.concatenate(sigs), np.concatenate(bands))

    def _match_text(
        self,
        eligible: list[int],
        sketch: _Sketch,
        uf: _UnionFind,
        ext_node: _ExtNode,
        times: I64,
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Link eligible posts to exact and near duplicates, stored or in-batch.

        Returns the sketch rows that get band keys and signatures stored
        (band rows) and those that get only an exact key.  An exact duplicate
        of a post already stored in the same time bucket needs no band keys:
        anything that matches it matches that post too.
        """
        exact, sigs, bands = sketch.exact, sketch.sigs, sketch.bands
        nodes = np.asarray(eligible, dtype=np.intp)
        # Exact duplicates inside the batch: everyone links to the first copy.
        _, first_idx, inverse = np.unique(exact, return_index=True, return_inverse=True)
        rep = first_idx[inverse]
        for row in np.nonzero(rep != np.arange(rep.size))[0].tolist():
            uf.union(int(nodes[row]), int(nodes[rep[row]]))
        reps = np.unique(first_idx)
        # Exact duplicates already stored.
        matched = np.zeros(reps.size, dtype=bool)
        same_bucket = np.zeros(reps.size, dtype=bool)
        rep_bucket = times[nodes[reps]] // self._store.bucket_seconds
        rep_keys = Queries(exact[reps])
        for seg in self._store.segments():
            q, pos = lookup(seg.exact.keys, rep_keys, cap=1)
            if q.size == 0:
                continue
            slots = seg.exact.slots[pos]
            for qi, head, head_time in zip(
                q.tolist(), seg.heads[slots].tolist(), seg.head_times[slots].tolist(), strict=True
            ):
                uf.union(int(nodes[reps[qi]]), ext_node(head, head_time))
            matched[q] = True
            same_bucket[q] |= seg.times[slots] // self._store.bucket_seconds == rep_bucket[q]
        query = reps[~matched]
        self._match_bands(query, nodes, sigs, bands, uf, ext_node)
        band_rows = reps[~same_bucket]
        store_rows = np.setdiff1d(np.arange(exact.size), band_rows)
        return band_rows, store_rows

    def _match_bands(
        self,
        query: npt.NDArray[np.intp],
        nodes: npt.NDArray[np.intp],
        sigs: npt.NDArray[np.uint32],
        bands: npt.NDArray[np.uint64],
        uf: _UnionFind,
        ext_node: _ExtNode,
    ) -> None:
        """LSH candidates (stored and in-batch), verified by estimated Jaccard."""
        cfg = self.config
        if query.size == 0:
            return
        nb = cfg.bands
        flat = bands[query].ravel()
        owner = np.repeat(query, nb)
        queries = Queries(flat)
        for seg in self._store.segments():
            q, pos = lookup(seg.bands.keys, queries, cap=cfg.candidate_cap)
            if q.size == 0:
                continue
            pairs = np.unique(owner[q].astype(np.int64) << 32 | seg.bands.slots[pos])
            rows, sig_rows = pairs >> 32, pairs & 0xFFFFFFFF
            ok = minhash.similarity(sigs[rows], seg.sigs[sig_rows]) >= cfg.threshold
            rec = seg.sig_slots[sig_rows[ok]]
            links = np.unique(
                np.stack([rows[ok], seg.heads[rec], seg.head_times[rec]], axis=1), axis=0
            )
            for row, head, head_time in links.tolist():
                uf.union(int(nodes[row]), ext_node(head, head_time))
        # In-batch: within each run of equal band keys, pair every member
        # with the run's first member and with its predecessor.
        skeys, sown = queries.sorted, owner[queries.order]
        new_run = np.empty(skeys.size, dtype=bool)
        new_run[0] = True
        new_run[1:] = skeys[1:] != skeys[:-1]
        run_first = np.maximum.accumulate(np.where(new_run, np.arange(skeys.size), 0))
        prev = np.where(new_run, run_first, np.arange(skeys.size) - 1)
        a = np.concatenate([sown, sown])
        b = np.concatenate([sown[run_first], sown[prev]])
        keep = a != b
        if not keep.any():
            return
        pairs = np.unique(np.minimum(a[keep], b[keep]) << 32 | np.maximum(a[keep], b[keep]))
        left, right = pairs >> 32, pairs & 0xFFFFFFFF
        ok = minhash.similarity(sigs[left], sigs[right]) >= cfg.threshold
        for x, y in zip(nodes[left[ok]].tolist(), nodes[right[ok]].tolist(), strict=True):
            uf.union(x, y)

    def _match_parents(
        self,
        new_items: list[StoryItem],
        texts: list[MatchText],
        new_ids: I64,
        uf: _UnionFind,
        ext_node: _ExtNode,
    ) -> dict[int, int]:
        """Apply the parent rule; return node → parent id for children still waiting."""
        min_chars = self.config.min_chars
        node_of = {int(x): i for i, x in enumerate(new_ids.tolist())}
        children = [
            i
            for i, it in enumerate(new_items)
            if it.parent_id is not None and len(texts[i].own) < min_chars
        ]
        waiting: dict[int, int] = {}
        for i in children:
            parent = new_items[i].parent_id
            assert parent is not None
            if parent in node_of:
                uf.union(i, node_of[parent])
            else:
                waiting[i] = parent
        if waiting:
            wanted = Queries(np.fromiter(waiting.values(), np.int64, len(waiting)).view(np.uint64))
            wnodes = list(waiting)
            for seg in self._store.segments():
                q, pos = lookup(seg.by_id.keys, wanted, cap=1)
                slots = seg.by_id.slots[pos]
                for qi, head, head_time in zip(
                    q.tolist(), seg.heads[slots].tolist(), seg.head_times[slots].tolist(),
                    strict=True,
                ):
                    uf.union(wnodes[qi], ext_node(head, head_time))
                    waiting.pop(wnodes[qi], None)
        # Children stored earlier that were waiting for one of the new posts.
        if new_ids.size:
            arrived = Queries(new_ids.view(np.uint64))
            for seg in self._store.segments():
                q, pos = lookup(seg.waiting.keys, arrived)
                slots = seg.waiting.slots[pos]
                for qi, head, head_time in zip(
                    q.tolist(), seg.heads[slots].tolist(), seg.head_times[slots].tolist(),
                    strict=True,
                ):
                    uf.union(qi, ext_node(head, head_time))
        return waiting

    def _relabel(self, uf: _UnionFind, ext: dict[int, int]) -> dict[int, int]:
        """Rewrite stored heads of stories that merged or gained an earlier post."""
        changes = {}
        for head, node in ext.items():
            new_time, new_head = uf.head(node)
            if new_head != head:
                changes[head] = (new_head, new_time)
        if changes:
            old = np.fromiter(sorted(changes), np.int64, len(changes))
            new = np.array([changes[h][0] for h in old.tolist()], dtype=np.int64)
            new_times = np.array([changes[h][1] for h in old.tolist()], dtype=np.int64)
            for seg in self._store.segments():
                seg.relabel(old, new, new_times)
        return {old: new for old, (new, _) in changes.items()}

    def _insert(
        self,
        ids: I64,
        times: I64,
        heads: list[tuple[int, int]],
        eligible: list[int],
        sketch: _Sketch,
        band_rows: npt.NDArray[np.intp],
        store_rows: npt.NDArray[np.intp],
        waiting: dict[int, int],
    ) -> None:
        """Store the new posts in their time buckets, then evict old buckets."""
        if ids.size == 0:
            return
        newest = int(times.max())
        self._watermark = newest if self._watermark is None else max(self._watermark, newest)
        cutoff = self._watermark - self._window
        exact, sigs, bands = sketch.exact, sketch.sigs, sketch.bands
        elig = np.asarray(eligible, dtype=np.intp)
        head_ids = np.fromiter((h[1] for h in heads), np.int64, len(heads))
        head_times = np.fromiter((h[0] for h in heads), np.int64, len(heads))
        bucket = times // self._store.bucket_seconds
        band_node = elig[band_rows]
        exact_node = elig[np.concatenate([band_rows, store_rows])]
        exact_rows = np.concatenate([band_rows, store_rows])
        wait_nodes = np.fromiter(waiting, np.intp, len(waiting))
        wait_parents = np.fromiter(waiting.values(), np.int64, len(waiting))
        for b in np.unique(bucket[times >= cutoff]).tolist():
            members = np.nonzero(bucket == b)[0]
            local = np.full(ids.size, -1, dtype=np.int64)
            local[members] = np.arange(members.size)
            in_b = bucket[band_node] == b
            sig_nodes = band_node[in_b]
            sig_rows = band_rows[in_b]
            e_in = bucket[exact_node] == b
            w_in = bucket[wait_nodes] == b
            nb = self.config.bands
            segment = Segment(
                ids=ids[members],
                times=times[members],
                heads=head_ids[members],
                head_times=head_times[members],
                sigs=sigs[sig_rows],
                sig_slots=local[sig_nodes].astype(np.uint32),
                bands=KeyTable.build(
                    bands[sig_rows].ravel(), np.repeat(np.arange(sig_rows.size), nb)
                ),
                exact=KeyTable.build(exact[exact_rows[e_in]], local[exact_node[e_in]]),
                by_id=KeyTable.build(ids[members].view(np.uint64), np.arange(members.size)),
                waiting=KeyTable.build(wait_parents[w_in].view(np.uint64), local[wait_nodes[w_in]]),
            )
            self._store.add(b, segment)
        self._store.evict_before(cutoff)

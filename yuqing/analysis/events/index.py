"""Streaming assignment of stories to events (single pass, threshold on cosine similarity).

Each new story joins the most similar active event if the cosine between its TF-IDF vector
and the event's centroid is at least ``threshold`` and the event is not idle for longer than
``max_gap`` at the story's time; otherwise it opens a new event.  This is the classic
single-pass clustering of topic detection and tracking: one pass, no re-clustering, so an
event's id never changes and an analyst's corrections stay put.

**Candidates** come from an inverted index (:mod:`.postings`): each event is listed under its
``index_terms`` strongest centroid terms, a story looks up its ``probe_terms`` strongest
terms, and each term lists at most ``posting_cap`` recently updated events; so the work per
story is bounded by ``probe_terms × posting_cap`` whatever the number of active events.  The
looked-up weights add up to the probed terms' part of the cosine, which ranks the candidates;
the other terms can add at most the length of the rest of the story's vector, so candidates
below ``threshold`` minus that length are skipped, and the best ``verify`` of the others get
an exact cosine.  An event can be missed when its shared terms are not among its indexed
ones or the cap dropped it; ``bench/events.py`` measures how often against exact search.

**Order.** A batch is processed in ``(time, story_id)`` order, one story at a time, each seeing
the events as the stories before it left them; eviction runs before each story, not per
batch.  A batch and the same stories fed one by one therefore give the same events.

**Keys.** Known events keep their ids.  A story that opens an event gets a provisional key
``-1, -2, …``; the caller creates the rows and calls :meth:`EventIndex.commit` with
provisional → real id before the next :meth:`EventIndex.assign`.

**Persistence.** :meth:`EventIndex.states` gives the :class:`EventState` of changed events to
store; an index built from stored states (``EventIndex(config, states)``) continues where the
old one stopped.  Stories already assigned keep their event when fed again (in memory: as long
as their event is; after a restart or eviction, pass ``pinned`` with the stored assignments).

**Memory** is bounded by the window: an event idle for longer than ``window`` (rounded up to a
``window / buckets`` time bucket) after the newest story seen is dropped from memory, with
its stories' assignments; it still exists in the database, it is just no longer joined.

**Analyst corrections.** :meth:`EventIndex.redirect` merges one event into another (centroids
added, later stories join the survivor); :meth:`EventIndex.pin` fixes a story's event, and
with the story's :class:`StoryDoc` moves its weight from the old centroid to the new one, so a
split is not undone by the next similar story.

**Titles.** An event's title should be the head text of its largest story (most posts; ties:
the story with the highest cosine to the centroid, then the earliest), cut at the first
sentence end after ~20 characters: the largest story is what most people saw, and a real
headline reads better than a keyword list.  Skip heads with fewer than ~6 characters of
their own words (``转发微博``, an emoji, a bare hashtag) and fall back to ``top_terms(state,
5)`` joined with ``、`` when no story qualifies.  Show ``top_terms`` as keywords beside it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from operator import itemgetter

from .postings import Postings
from .vectors import add_scaled, cosine, norm, ranked, story_vector

__all__ = ["EventConfig", "EventIndex", "EventState", "StoryDoc"]

_SCORE = itemgetter(1)


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """One story as the event index needs it.

    ``time`` is the story's time (its head's publication time; must be timezone-aware);
    ``tokens`` the words of its head's text, stop words removed; ``weight`` how much it counts
    in its event's centroid and total weight (1.0 unless a story should count for more);
    ``vector`` its :meth:`EventIndex.vector_of` the tokens, when the caller computed it
    already (the pipeline does, in its worker processes).
    """

    story_id: int
    time: datetime
    tokens: Sequence[str]
    weight: float = 1.0
    vector: dict[str, float] | None = None


@dataclass(slots=True)
class EventState:
    """What is stored per event to rebuild the index: see :mod:`.vectors` for ``centroid``."""

    id: int
    centroid: dict[str, float]
    first_seen: datetime
    last_seen: datetime
    stories: int
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class EventConfig:
    """Term weights and tuning knobs; the defaults are the measured ones (``bench/events.py``).

    ``idf`` / ``default_idf``: inverse document frequencies and the value for unknown words
    (the pipeline passes jieba's table, :func:`yuqing.analysis.text.keywords.load_idf`).
    ``threshold``: minimum cosine to join.  ``centroid_terms``: K, terms kept per centroid;
    ``story_terms``: terms kept per story vector.  ``index_terms``, ``probe_terms``,
    ``posting_cap``, ``verify``: candidate lookup (module doc).  ``max_gap``: an event idle
    longer than this at a story's time is not joined.  ``window`` (≥ ``max_gap``) /
    ``buckets``: memory eviction.
    """

    idf: Mapping[str, float] = field(default_factory=dict, repr=False)
    default_idf: float = 1.0
    threshold: float = 0.3
    centroid_terms: int = 32
    story_terms: int = 24
    index_terms: int = 8
    probe_terms: int = 6
    posting_cap: int = 16
    verify: int = 4
    max_gap: timedelta = timedelta(days=3)
    window: timedelta = timedelta(days=4)
    buckets: int = 16

    def __post_init__(self) -> None:
        sizes = (self.centroid_terms, self.story_terms, self.index_terms, self.probe_terms)
        if min(*sizes, self.posting_cap, self.verify, self.buckets) < 1:
            raise ValueError("term counts, posting_cap, verify and buckets must be ≥ 1")
        if self.max_gap <= timedelta(0) or self.window < self.max_gap:
            raise ValueError("need 0 < max_gap ≤ window")


class _Event:
    """An active event; hashed by identity, so postings survive a change of key."""

    __slots__ = (
        "bucket",
        "centroid",
        "first",
        "indexed",
        "key",
        "last",
        "length",
        "members",
        "stories",
        "weight",
    )

    def __init__(self, key: int, first: float, last: float) -> None:
        self.key = key
        self.centroid: dict[str, float] = {}
        self.length = 0.0
        self.first = first
        self.last = last
        self.stories = 0
        self.weight = 0.0
        self.members: list[int] = []  # story ids assigned while in memory
        self.indexed: tuple[str, ...] = ()
        self.bucket = 0


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: event times must be timezone-aware")
    return moment.timestamp()


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class EventIndex:
    """Streaming event clustering over a rolling window (see module doc)."""

    def __init__(
        self, config: EventConfig | None = None, events: Iterable[EventState] = ()
    ) -> None:
        self.config = config or EventConfig()
        cfg = self.config
        # A word lookup per token is the hot path: a Mapping that is not a dict (a class with
        # a Python ``__getitem__``) is copied once, which makes each lookup 2-7x cheaper.
        self._idf = cfg.idf if type(cfg.idf) is dict else dict(cfg.idf)
        self._gap = cfg.max_gap.total_seconds()
        self._window = cfg.window.total_seconds()
        self._bucket_seconds = self._window / cfg.buckets
        self._by_key: dict[int, _Event] = {}
        self._retired: dict[int, _Event] = {}  # evicted during the last assign, until the next
        self._postings: Postings[_Event] = Postings(cfg.posting_cap)
        self._buckets: dict[int, dict[_Event, None]] = {}
        self._assigned: dict[int, _Event] = {}  # story id → its event, for events in memory
        self._pins: dict[int, int] = {}  # story id → event id, for events not in memory
        self._watermark = -math.inf
        self._evicted_below = -(2**62)  # buckets below this index have been evicted
        self._provisional = 0  # provisional keys handed out since the last commit
        self.load(events)

    def __len__(self) -> int:
        """Events in memory."""
        return len(self._by_key)

    def __contains__(self, event_id: object) -> bool:
        """Whether ``event_id`` is in memory (joinable, if not idle for too long)."""
        return event_id in self._by_key

    # -- public API ---------------------------------------------------------

    def load(self, states: Iterable[EventState]) -> None:
        """Add stored events (in id order); a state whose id is in memory replaces it."""
        for state in sorted(states, key=lambda s: s.id):
            old = self._by_key.get(state.id)
            if old is not None:
                self._drop(old)
            ev = self._new(state.id, _epoch(state.first_seen), _epoch(state.last_seen))
            if old is not None:
                ev.members = old.members
                self._assigned.update(dict.fromkeys(old.members, ev))
            ev.centroid = ranked(
                {sys.intern(t): w for t, w in state.centroid.items()}, self.config.centroid_terms
            )
            ev.length = norm(ev.centroid)
            ev.stories, ev.weight = state.stories, state.weight
            self._reindex(ev)

    def assign(
        self, stories: Sequence[StoryDoc], pinned: Mapping[int, int] | None = None
    ) -> list[int]:
        """Event key of each story, in input order (module doc: order, keys).

        ``pinned`` maps story ids to the event the database says they belong to (stories
        stored before, analysts' moves); those stories get that event whatever their text.
        """
        if self._provisional:
            raise RuntimeError("commit() the provisional keys of the last batch first")
        self._retired.clear()
        times = [_epoch(doc.time) for doc in stories]
        order = sorted(range(len(stories)), key=lambda i: (times[i], stories[i].story_id))
        keys = [0] * len(stories)
        pinned = pinned or {}
        for i in order:
            keys[i] = self._assign_one(stories[i], times[i], pinned)
        return keys

    def commit(self, mapping: Mapping[int, int]) -> None:
        """Rename provisional keys to the ids of the rows the caller created for them."""
        for provisional, real in mapping.items():
            table = self._by_key if provisional in self._by_key else self._retired
            if provisional >= 0 or provisional not in table:
                raise KeyError(f"{provisional} is not a provisional key of the last batch")
            if real < 0 or real in self._by_key or real in self._retired:
                raise ValueError(f"event id {real} is negative or already in use")
            ev = table.pop(provisional)
            ev.key = real
            table[real] = ev
            self._provisional -= 1

    def states(self, ids: Iterable[int]) -> list[EventState]:
        """Current state of each event in ``ids`` that is in memory (or was evicted during
        the last :meth:`assign`), once each, in the order given."""
        out: list[EventState] = []
        seen: set[int] = set()
        for key in ids:
            ev = self._by_key.get(key) or self._retired.get(key)
            if ev is not None and key not in seen:
                seen.add(key)
                out.append(
                    EventState(
                        ev.key, dict(ev.centroid), _moment(ev.first), _moment(ev.last),
                        ev.stories, ev.weight,
                    )
                )
        return out

    def redirect(self, merged_id: int, into_id: int) -> None:
        """An analyst merged ``merged_id`` into ``into_id``: combine them in memory.

        Centroids, counts and time spans are added up and ``merged_id`` disappears, so
        stories that would have joined it join ``into_id``.  If only ``merged_id`` is in
        memory it is renamed (load ``into_id``'s stored state first to get the full sum).
        """
        merged = self._by_key.get(merged_id)
        into = self._by_key.get(into_id)
        for story, event in self._pins.items():
            if event == merged_id:
                self._pins[story] = into_id
        if merged is None or merged_id == into_id:
            return
        if into is None:
            del self._by_key[merged_id]
            merged.key = into_id
            self._by_key[into_id] = merged
            return
        self._drop(merged)
        into.centroid = add_scaled(into.centroid, merged.centroid, 1.0, self.config.centroid_terms)
        into.length = norm(into.centroid)
        into.stories += merged.stories
        into.weight += merged.weight
        into.first = min(into.first, merged.first)
        self._touch(into, merged.last)
        for story in merged.members:
            self._assigned[story] = into
        into.members.extend(merged.members)
        self._reindex(into)

    def pin(self, story_id: int, event_id: int, doc: StoryDoc | None = None) -> None:
        """An analyst put ``story_id`` in ``event_id``; the pipeline will not move it.

        Without ``doc`` only the assignment is recorded.  With it, the story's vector is
        also taken out of its current in-memory event and added to ``event_id``, which is
        created if it is not in memory (load its stored state first if it exists).  A pin to
        an event that is not in memory is kept for the index's lifetime (analyst actions are
        few); other assignments are forgotten with their event, so after a restart or
        eviction the pipeline passes stored ones as ``pinned``.
        """
        self._place(story_id, event_id, doc, create=doc is not None)
        if story_id not in self._assigned:
            self._pins[story_id] = event_id

    # -- one story ----------------------------------------------------------

    def _assign_one(self, doc: StoryDoc, t: float, pinned: Mapping[int, int]) -> int:
        if t > self._watermark:
            self._watermark = t
            self._evict_idle()
        story = doc.story_id
        current = self._assigned.get(story)
        wanted = pinned.get(story)
        if wanted is not None:
            if current is None or current.key != wanted:
                self._place(story, wanted, doc, create=False)
            return wanted
        if current is not None:
            return current.key
        if story in self._pins:
            return self._pins[story]
        vector = self._vector(doc)
        ev = self._best(vector, t)
        if ev is None:
            self._provisional += 1
            ev = self._new(-self._provisional, t, t)
        self._join(ev, story, t, vector, doc.weight)
        return ev.key

    def _place(self, story: int, event_id: int, doc: StoryDoc | None, create: bool) -> None:
        """Move ``story`` to ``event_id``: with ``doc`` its vector moves too (module doc)."""
        current = self._assigned.get(story)
        if current is not None and current.key == event_id:
            return
        self._pins.pop(story, None)
        target = self._by_key.get(event_id)
        if doc is None:
            if current is not None:
                current.members.remove(story)
                del self._assigned[story]
            if target is not None:
                target.members.append(story)
                self._assigned[story] = target
            return
        t = _epoch(doc.time)
        vector = self._vector(doc)
        if current is not None:
            self._unjoin(current, story, vector, doc.weight)
        if target is None and create:
            target = self._new(event_id, t, t)
        if target is not None:
            self._join(target, story, t, vector, doc.weight)

    def vector_of(self, tokens: Sequence[str]) -> dict[str, float]:
        """A story's TF-IDF vector under this index's weights (:class:`StoryDoc`)."""
        cfg = self.config
        return story_vector(tokens, self._idf, cfg.default_idf, cfg.story_terms)

    def _vector(self, doc: StoryDoc) -> dict[str, float]:
        if not doc.weight > 0.0:
            raise ValueError(f"story {doc.story_id}: weight must be positive")
        return doc.vector if doc.vector is not None else self.vector_of(doc.tokens)

    def _best(self, vector: dict[str, float], t: float) -> _Event | None:
        """The joinable event most similar to ``vector``, if similar enough."""
        if not vector:
            return None
        cfg = self.config
        top = list(islice(vector.items(), cfg.probe_terms))
        probe = iter(top)
        postings = self._postings
        scores: dict[_Event, float] = {}
        for term, weight in probe:  # the first listed term fills ``scores`` in one go
            events = postings.get(term)
            if events is not None:
                scores = {ev: weight * entry for ev, entry in events.items()}
                break
        get = scores.get
        for term, weight in probe:
            events = postings.get(term)
            if events is not None:
                for ev, entry in events.items():
                    scores[ev] = get(ev, 0.0) + weight * entry
        if not scores:
            return None
        # The unprobed terms can add at most the length of the rest of the vector, so a
        # candidate below ``floor`` cannot reach the threshold (strictly: unless the cap or
        # ``index_terms`` hid some of its terms from the lookup, which only costs a match).
        floor = cfg.threshold - math.sqrt(max(0.0, 1.0 - sum(w * w for _, w in top))) - 1e-9
        gap = self._gap
        best, best_sim, left = None, cfg.threshold, cfg.verify
        for ev, score in sorted(scores.items(), key=_SCORE, reverse=True):
            if score < floor:
                break
            if t - ev.last > gap or ev.first - t > gap:
                continue
            sim = cosine(vector, ev.centroid, ev.length)
            if sim > best_sim or (best is None and sim >= best_sim):
                best, best_sim = ev, sim
            left -= 1
            if not left:
                break
        return best

    # -- event bookkeeping --------------------------------------------------

    def _new(self, key: int, first: float, last: float) -> _Event:
        ev = _Event(key, first, last)
        ev.bucket = self._bucket_of(last)
        self._buckets.setdefault(ev.bucket, {})[ev] = None
        self._by_key[key] = ev
        return ev

    def _join(self, ev: _Event, story: int, t: float, vector: dict[str, float], w: float) -> None:
        ev.centroid = add_scaled(ev.centroid, vector, w, self.config.centroid_terms)
        ev.length = norm(ev.centroid)
        ev.stories += 1
        ev.weight += w
        ev.first = min(ev.first, t)
        self._touch(ev, t)
        ev.members.append(story)
        self._assigned[story] = ev
        self._reindex(ev)

    def _unjoin(self, ev: _Event, story: int, vector: dict[str, float], w: float) -> None:
        ev.centroid = add_scaled(ev.centroid, vector, -w, self.config.centroid_terms)
        ev.length = norm(ev.centroid)
        ev.stories -= 1
        ev.weight -= w
        ev.members.remove(story)
        del self._assigned[story]
        self._reindex(ev)

    def _touch(self, ev: _Event, t: float) -> None:
        """Move ``ev``'s last-seen time forward to ``t`` (and its eviction bucket with it)."""
        if t <= ev.last:
            return
        ev.last = t
        bucket = self._bucket_of(t)
        if bucket != ev.bucket:
            self._unbucket(ev)
            ev.bucket = bucket
            self._buckets.setdefault(bucket, {})[ev] = None

    def _reindex(self, ev: _Event) -> None:
        """List ``ev`` under its current strongest terms, as their most recent event."""
        postings = self._postings
        terms = dict(islice(ev.centroid.items(), self.config.index_terms))
        for term in ev.indexed:
            if term not in terms:
                postings.remove(term, ev)
        if ev.length:
            postings.put_all(terms, ev, 1.0 / ev.length)
        ev.indexed = tuple(terms)

    def _bucket_of(self, t: float) -> int:
        return math.floor(t / self._bucket_seconds)

    def _unbucket(self, ev: _Event) -> None:
        members = self._buckets[ev.bucket]
        del members[ev]
        if not members:
            del self._buckets[ev.bucket]

    def _drop(self, ev: _Event) -> None:
        """Remove ``ev`` from memory (postings, buckets, key table, story assignments)."""
        for term in ev.indexed:
            self._postings.remove(term, ev)
        ev.indexed = ()
        self._unbucket(ev)
        del self._by_key[ev.key]
        for story in ev.members:
            if self._assigned.get(story) is ev:
                del self._assigned[story]

    def _evict_idle(self) -> None:
        """Drop events whose time bucket ended before ``watermark - window``."""
        below = self._bucket_of(self._watermark - self._window)
        if below <= self._evicted_below:
            return
        self._evicted_below = below
        for bucket in sorted(b for b in self._buckets if b < below):
            for ev in list(self._buckets[bucket]):
                self._drop(ev)
                self._retired[ev.key] = ev

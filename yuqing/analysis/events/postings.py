"""Inverted index term → events, each list capped and ordered by recency.

Candidate lookup must stay cheap with 100,000 active events, yet a word such as 疫情 can be
among the strongest terms of thousands of them.  Each term's list therefore keeps only the
``cap`` events that were updated most recently under it: an event that has not grown for a
while is the least likely to be joined, and if it is still among another term's recent
events it can be found through that term.  A list is a ``dict`` (insertion-ordered), so
"touch" is pop + re-insert and "drop the stalest" is removing the first key, both O(1).

Each entry carries the event's weight for the term divided by the centroid's length at the
event's last update, so that summing ``story weight × entry`` over a story's terms gives the
part of the cosine that those terms contribute.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

__all__ = ["Postings"]

E = TypeVar("E", bound=Hashable)


class Postings(Generic[E]):
    """``term → {event: normalised weight}`` with at most ``cap`` events per term."""

    def __init__(self, cap: int) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self._lists: dict[str, dict[E, float]] = {}

    def __len__(self) -> int:
        """Entries held, over all terms."""
        return sum(len(events) for events in self._lists.values())

    def get(self, term: str) -> dict[E, float] | None:
        """The events listed under ``term``, stalest first; do not modify the result."""
        return self._lists.get(term)

    def put_all(self, terms: Mapping[str, float], event: E, scale: float) -> None:
        """List ``event`` under each of ``terms`` (weight × ``scale``) as the most recent
        event, dropping the stalest where a list is full.  One call per event update: this
        runs for every story, so it is a single loop rather than a method call per term."""
        lists, cap = self._lists, self.cap
        for term, weight in terms.items():
            events = lists.get(term)
            if events is None:
                lists[term] = {event: weight * scale}
                continue
            events.pop(event, None)
            events[event] = weight * scale
            if len(events) > cap:
                del events[next(iter(events))]

    def remove(self, term: str, event: E) -> None:
        """Unlist ``event`` under ``term`` (no error if the cap already dropped it)."""
        events = self._lists.get(term)
        if events is not None and events.pop(event, None) is not None and not events:
            del self._lists[term]

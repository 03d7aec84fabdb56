"""What the search index holds about one item, and the sort keys both backends share.

An :class:`IndexDoc` is built from the database (:mod:`yuqing.search.indexing`) — or, in the
benchmark, straight from data files — and handed to a backend. Both backends order results
by the same integer keys (:func:`time_key`, :func:`heat_key`): time or heat in the high bits
and the item id in the low 32, so ties are broken the same way everywhere and "the same
results" holds for the order too, not only for the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from yuqing.search.query import Doc

__all__ = ["FACETS", "IndexDoc", "heat_key", "time_bound", "time_key"]

#: Time keys count seconds from here: 31 bits of seconds reach into 2068.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SECONDS_MAX = (1 << 31) - 1
_ID_MASK = (1 << 32) - 1
#: Heat (0–100) is kept to a millionth in its key.
_HEAT_SCALE = 1_000_000

#: Fields with counts beside the results, in display order.
FACETS = ("platform", "tone", "tier", "province")


def _seconds(when: datetime) -> int:
    return min(max(int((when - EPOCH).total_seconds()), 0), _SECONDS_MAX)


def time_key(when: datetime, item_id: int) -> int:
    """Newest first is descending order of this key; equal seconds fall back to the id."""
    return (_seconds(when) << 32) | (item_id & _ID_MASK)


def time_bound(when: datetime) -> int:
    """The smallest key of the second ``when`` falls in: ``since <= time < until`` is
    ``time_bound(since) <= key < time_bound(until)``, to the second."""
    return _seconds(when) << 32


def heat_key(heat: float, item_id: int) -> int:
    scaled = min(max(round(heat * _HEAT_SCALE), 0), 100 * _HEAT_SCALE)
    return (scaled << 32) | (item_id & _ID_MASK)


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """One item as indexed. Texts are as stored (the backends fold them); ``region`` is the
    analysed region's display name (``湖北省武汉市``), what ``region:`` searches."""

    id: int
    title: str
    text: str
    region: str
    platform: str
    #: Credibility tier code of the source, ``""`` when it has none.
    tier: str
    #: ``negative``/``neutral``/``positive`` (an analyst's correction wins), ``""`` if none.
    tone: str
    #: Administrative codes of the analysed region, ``""`` when unknown.
    province: str
    city: str
    #: The item's unit and every unit above it: "my unit's data" is one indexed term.
    scope: tuple[int, ...]
    source_id: int
    event_id: int | None
    time: datetime
    heat: float

    @property
    def time_key(self) -> int:
        return time_key(self.time, self.id)

    @property
    def heat_key(self) -> int:
        return heat_key(self.heat, self.id)

    def query_doc(self) -> Doc:
        """The fields the query language sees, for the exact check."""
        return Doc(title=self.title, text=self.text, platform=self.platform, tier=self.tier,
                   region=self.region, tone=self.tone)

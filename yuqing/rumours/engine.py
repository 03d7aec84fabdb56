"""The matcher as each process holds it: built from the database, rebuilt when it changes.

Building the index takes a few hundred milliseconds (the rarity weights read a sample of recent
items), matching a batch a few; so each process keeps one index and compares, before each
batch, the generation it was built at with :class:`~yuqing.rumours.models.BaseState`. Every
change to what the matcher reads — an entry saved or deleted, an import, a confirmed wording —
moves the generation (signals, and :func:`bump` for bulk writes). The rarity weights are
refreshed hourly, as the stream's vocabulary drifts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Greatest

from yuqing.collect.models import Item
from yuqing.rumours import conf
from yuqing.rumours.conf import RumourSettings
from yuqing.rumours.matching.background import Background
from yuqing.rumours.matching.index import Index, Wording
from yuqing.rumours.matching.passages import item_content
from yuqing.rumours.models import BaseState, Debunk, Variant

#: Seconds the rarity weights are kept before they are counted again.
BACKGROUND_SECONDS = 3600.0


@dataclass(frozen=True)
class _Built:
    generation: int
    settings: RumourSettings
    at: float
    index: Index


@dataclass(frozen=True)
class _Sample:
    at: float
    size: int
    background: Background


_lock = threading.Lock()
_built: _Built | None = None
_sample: _Sample | None = None


def generation() -> int:
    return BaseState.objects.filter(id=1).values_list("generation", flat=True).first() or 0


def bump() -> None:
    """Move the generation (inside the caller's transaction).

    The new value is at least the current time in microseconds, not just the old value plus
    one: a database restored from a backup, or recreated, would otherwise hand out again values
    that running processes have cached indexes for.
    """
    now = int(time.time() * 1_000_000)
    BaseState.objects.get_or_create(id=1)
    BaseState.objects.filter(id=1).update(
        generation=Greatest(F("generation") + 1, Value(now)))


def wordings(debunk_ids: Iterable[int] | None = None) -> list[Wording]:
    """Every active entry's claim and confirmed wordings (or those of ``debunk_ids``)."""
    entries = Debunk.objects.filter(active=True)
    variants = Variant.objects.filter(debunk__active=True)
    if debunk_ids is not None:
        ids = list(debunk_ids)
        entries, variants = entries.filter(id__in=ids), variants.filter(debunk_id__in=ids)
    out = [Wording(debunk=pk, text=claim, day=day.toordinal() if day else None)
           for pk, claim, day in entries.values_list("id", "claim", "date")]
    out += [Wording(debunk=debunk, text=text, variant=pk, day=day.toordinal() if day else None)
            for pk, debunk, text, day in variants.values_list("id", "debunk_id", "text",
                                                              "debunk__date")]
    return out


def background(size: int) -> Background:
    """N-gram frequencies of the ``size`` most recent items, recounted hourly."""
    global _sample
    if size == 0:
        return Background.empty()
    now = time.monotonic()
    if _sample is None or _sample.size != size or now - _sample.at > BACKGROUND_SECONDS:
        rows = Item.objects.order_by("-id").values_list("title", "text")[:size]
        _sample = _Sample(now, size, Background.from_texts(
            [item_content(title, text) for title, text in rows]))
    return _sample.background


def current_index() -> Index:
    """This process's index, rebuilt first if the base or the settings changed, or its
    weights are more than an hour old. With no entries, no weights are counted at all."""
    global _built
    settings = conf.current()
    current = generation()
    now = time.monotonic()
    with _lock:
        if (_built is None or _built.generation != current or _built.settings != settings
                or (len(_built.index) and now - _built.at > BACKGROUND_SECONDS)):
            entries = wordings()
            counts = background(settings.background_items) if entries else Background.empty()
            _built = _Built(current, settings, now, Index(entries, counts, settings.matcher))
        return _built.index


def index_for(debunk_ids: Iterable[int]) -> Index:
    """An index of some entries only (checking recent items against new entries)."""
    settings = conf.current()
    with _lock:
        counts = background(settings.background_items)
    return Index(wordings(debunk_ids), counts, settings.matcher)


def invalidate() -> None:
    """Forget the cached index and weights (tests; a process that changed settings)."""
    global _built, _sample
    with _lock:
        _built = None
        _sample = None

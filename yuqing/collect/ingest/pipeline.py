"""The ingest pipeline, in order. Every item — from a file or the push API — passes here.

Stages are small classes that take a :class:`Batch` and return it. A stage rejects one record
by raising :class:`Rejected` from ``check``; the record then leaves the batch with the reason
and the rest carry on. Stages keep no state between batches, and the final write is an upsert
on the natural key, so re-running a batch (after a crash, or the same file twice) never
duplicates or loses an item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.utils import timezone

from yuqing.collect.ingest import keys, privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.ingest.store import upsert
from yuqing.collect.models import ItemKind, Platform, Source


class Rejected(Exception):
    """This record cannot be stored; ``reason`` says why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Rejection:
    record: ItemRecord
    reason: str


@dataclass
class Batch:
    source: Source
    records: list[ItemRecord]
    collected_at: datetime = field(default_factory=timezone.now)
    rejected: list[Rejection] = field(default_factory=list)
    #: HMAC key for author pseudonyms (read once per batch, not once per record).
    author_key: str = field(default_factory=lambda: settings.YUQING_AUTHOR_KEY)
    #: ``natural_key -> (status, item id)`` once written; status is inserted/updated/unchanged.
    outcome: dict[str, tuple[str, int]] = field(default_factory=dict)


class Stage:
    """Checks or transforms each record; override ``check`` (per record) or ``run``."""

    name: ClassVar[str]

    def run(self, batch: Batch) -> Batch:
        kept: list[ItemRecord] = []
        for rec in batch.records:
            try:
                self.check(rec, batch)
            except Rejected as exc:
                batch.rejected.append(Rejection(rec, exc.reason))
            else:
                kept.append(rec)
        batch.records = kept
        return batch

    def check(self, rec: ItemRecord, batch: Batch) -> None:
        raise NotImplementedError


_PLATFORMS = frozenset(Platform.values)
_KINDS = frozenset(ItemKind.values)
_LIMITS = {"external_id": 128, "url": 2000, "title": 500, "region": 64, "language": 16}


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_STRING_FIELDS = ("text", "title", "external_id", "url", "parent_external_id", "region",
                  "language", "author_id", "author_name")


def _storable(value: str) -> str:
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def _storable_raw(value: object) -> object:
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, dict):
        return {_storable(str(k)): _storable_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable_raw(v) for v in value]
    return value


#: How ``repr`` shows a NUL or an unpaired surrogate: one C-speed scan of a record's raw
#: payload tells whether it needs the (slow) walk through its nested values.
_UNSTORABLE_REPR = re.compile(r"\\x00|\\ud[89a-f][0-9a-f]{2}")


class Sanitise(Stage):
    """Drop NUL characters and replace unpaired surrogates (U+FFFD).

    Crawler exports and JSON escapes can carry both; PostgreSQL cannot store either in text or
    JSON, and they mean nothing to a reader. Cleaning them keeps the row instead of losing it.
    """

    name = "sanitise"

    def check(self, rec: ItemRecord, batch: Batch) -> None:
        values = [getattr(rec, attr) for attr in _STRING_FIELDS]
        if _UNSTORABLE.search("".join(values)):
            for attr, value in zip(_STRING_FIELDS, values, strict=True):
                setattr(rec, attr, _storable(value))
        if rec.raw and _UNSTORABLE_REPR.search(repr(rec.raw)):
            rec.raw = _storable_raw(rec.raw)  # type: ignore[assignment]


class Validate(Stage):
    """Reject what cannot be stored faithfully; never truncate or guess silently."""

    name = "validate"

    def check(self, rec: ItemRecord, batch: Batch) -> None:
        if rec.platform not in _PLATFORMS:
            raise Rejected(f"unknown platform {rec.platform!r}")
        if rec.kind not in _KINDS or rec.parent_kind not in _KINDS:
            raise Rejected(f"unknown kind {rec.kind!r}")
        rec.text = rec.text.strip()
        rec.title = rec.title.strip()
        if not rec.text and not rec.title:
            raise Rejected("empty: neither title nor text")
        for attr, limit in _LIMITS.items():
            if len(getattr(rec, attr)) > limit:
                raise Rejected(f"{attr} longer than {limit} characters")
        for attr in ("likes", "reposts", "comments", "views"):
            value = getattr(rec, attr)
            if value is not None and value < 0:
                raise Rejected(f"{attr} is negative ({value})")
        if rec.published_at is not None and timezone.is_naive(rec.published_at):
            rec.published_at = timezone.make_aware(rec.published_at)
        if rec.kind == ItemKind.COMMENT and not rec.parent_external_id:
            raise Rejected("a comment needs the id of the item it belongs to")


class Pseudonymise(Stage):
    """Replace the author's identifiers with a keyed hash and a masked name."""

    name = "pseudonymise"

    def check(self, rec: ItemRecord, batch: Batch) -> None:
        rec.author_hash = privacy.author_hash(batch.author_key, rec.platform, rec.author_id)
        rec.author_display = privacy.mask_name(rec.author_name)[:64]
        rec.author_id = rec.author_name = ""


class AssignKeys(Stage):
    """Natural key (for the upsert), parent key, region default and change fingerprint."""

    name = "keys"

    def check(self, rec: ItemRecord, batch: Batch) -> None:
        if not rec.region:
            rec.region = batch.source.region
        published = keys.published_text(rec)
        rec.natural_key = keys.natural_key(rec, published)
        if rec.parent_external_id:
            rec.parent_key = keys.ref_key(rec.platform, rec.parent_kind, rec.parent_external_id)
        rec.fingerprint = keys.fingerprint(rec, published)


class CollapseRepeats:
    """The same item twice in one batch is written once (the last copy wins)."""

    name = "collapse"

    def run(self, batch: Batch) -> Batch:
        by_key = {rec.natural_key: rec for rec in batch.records}
        batch.records = list(by_key.values())
        return batch


class Store:
    """Upsert into the database; see :mod:`yuqing.collect.ingest.store`."""

    name = "store"

    def run(self, batch: Batch) -> Batch:
        batch.outcome = upsert(batch.records, batch.source, batch.collected_at)
        return batch


#: Everything that decides whether and how a record is stored — no database writes.
PREPARE: Sequence[Stage | CollapseRepeats] = (
    Sanitise(), Validate(), Pseudonymise(), AssignKeys()
)
#: The write.
WRITE: Sequence[CollapseRepeats | Store] = (CollapseRepeats(), Store())


def run(batch: Batch, stages: Sequence[Stage | CollapseRepeats | Store]) -> Batch:
    for stage in stages:
        batch = stage.run(batch)
    return batch

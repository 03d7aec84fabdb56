"""Write imported entries: new ones created, known ones (same origin and id) updated.

Bulk writes do not reach the audit signals, so one summary entry records the import; the base
generation moves so every process rebuilds its matcher; an entry whose claim changed is checked
again against recent items (``backfilled_at`` cleared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.rumours import engine
from yuqing.rumours.importing.formats import Entry
from yuqing.rumours.models import Debunk

#: Keys looked up per query.
_CHUNK = 500
FIELDS = ("claim", "verdict", "explanation", "source_name", "link", "date", "topic", "tags")


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: ``(line, message)`` of every row that was not imported.
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def _existing(entries: Sequence[Entry]) -> dict[tuple[str, str], Debunk]:
    found: dict[tuple[str, str], Debunk] = {}
    by_origin: dict[str, list[str]] = {}
    for entry in entries:
        by_origin.setdefault(entry.origin, []).append(entry.external_id)
    for origin, ids in by_origin.items():
        for start in range(0, len(ids), _CHUNK):
            for debunk in Debunk.objects.filter(origin=origin,
                                                external_id__in=ids[start:start + _CHUNK]):
                found[(debunk.origin, debunk.external_id)] = debunk
    return found


def write(entries: Sequence[Entry], outcome: Outcome, *, dry_run: bool = False,
          description: str = "") -> Outcome:
    """Create or update ``entries`` (their keys are unique: the caller checked)."""
    existing = _existing(entries)
    now = timezone.now()
    new: list[Debunk] = []
    changed: list[Debunk] = []
    for entry in entries:
        values = {name: getattr(entry, name) for name in FIELDS}
        debunk = existing.get((entry.origin, entry.external_id))
        if debunk is None:
            new.append(Debunk(origin=entry.origin, external_id=entry.external_id, **values))
            continue
        differs = {name for name, value in values.items() if getattr(debunk, name) != value}
        if not differs:
            outcome.unchanged += 1
            continue
        if "claim" in differs:
            debunk.backfilled_at = None
        for name in differs:
            setattr(debunk, name, values[name])
        debunk.updated_at = now  # bulk_update does not apply auto_now
        changed.append(debunk)
    outcome.created += len(new)
    outcome.updated += len(changed)
    if dry_run or not (new or changed):
        return outcome
    with transaction.atomic():
        Debunk.objects.bulk_create(new, batch_size=_CHUNK)
        Debunk.objects.bulk_update(changed, [*FIELDS, "backfilled_at", "updated_at"],
                                   batch_size=_CHUNK)
        engine.bump()
        record(Action.IMPORT, model="rumours.Debunk", details={
            "file": description, "created": len(new), "updated": len(changed),
            "unchanged": outcome.unchanged, "errors": len(outcome.errors)})
    return outcome

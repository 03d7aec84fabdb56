"""Exact accounting of an import: every row read ends in exactly one bucket.

``read == inserted + updated + unchanged + rejected + repeats``, where *repeats* are rows whose
item was already written earlier in the same run (an exact duplicate, or a later copy of the
same post — the last copy wins). Without that bucket a file with duplicates would report
phantom "unchanged" items on its first import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yuqing.collect.ingest.pipeline import Batch


class _Seen:
    """Item ids written by this run, as a bitmap: one bit per id, so tracking ten million
    items costs ~1 MB, where a set of ids or natural keys would grow with the file."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, item_id: int) -> bool:
        """Mark ``item_id``; ``False`` if it was already marked."""
        index, bit = divmod(item_id, 8)
        if index >= len(self._bits):
            self._bits.extend(bytes(max(index + 1 - len(self._bits), len(self._bits))))
        mask = 1 << bit
        if self._bits[index] & mask:
            return False
        self._bits[index] |= mask
        return True


@dataclass
class Tally:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    repeats: int = 0
    #: Undecodable bytes replaced by U+FFFD (the rows are kept; the text shows the gap).
    replacements: int = 0
    _seen: _Seen = field(default_factory=_Seen, repr=False)

    def written(self, batch: Batch, submitted: int) -> None:
        """Account for a batch after the pipeline: ``submitted`` records went in."""
        self.rejected += len(batch.rejected)
        self.repeats += submitted - len(batch.rejected) - len(batch.outcome)
        for status, item_id in batch.outcome.values():
            if not self._seen.add(item_id):
                self.repeats += 1
            elif status == "inserted":
                self.inserted += 1
            elif status == "updated":
                self.updated += 1
            else:
                self.unchanged += 1

    @property
    def balanced(self) -> bool:
        return self.read == (self.inserted + self.updated + self.unchanged + self.rejected
                             + self.repeats)

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected,
                "repeats": self.repeats, "replacements": self.replacements}

"""Rejected rows, kept: one JSON line per row with where it was, why, and the row itself.

A rejection is only useful if someone can fix the input and re-import just those rows, so
the original row is kept as read (not the half-converted record). The file is created on the
first rejection only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any


class Quarantine:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None
        self.count = 0

    def add(self, source: Path, locator: str, number: int, reason: str, row: Any) -> None:
        """``locator`` names what ``number`` counts in ``source``: "line" or "record"."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        entry = {"file": str(source), locator: number, "reason": reason, "row": row}
        self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    @property
    def written(self) -> str:
        """The file's path, or "" when nothing was rejected."""
        return str(self.path) if self.count else ""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

"""What a preset is, and the field helpers presets share.

A preset turns one source row (a ``{column: value}`` dict) into an :class:`ItemRecord`. It is
first *bound* to a file and the command-line options — which is where it checks, once, what
it needs (a year, a platform, a day in the file name) and fails with a message the user can
act on — and the bound converter then runs per row, raising ``Rejected`` for a bad row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from yuqing.collect.importing.counts import CountParseError, parse_count
from yuqing.collect.importing.timeparse import TimeParseError, parse_time
from yuqing.collect.ingest.pipeline import Rejected
from yuqing.collect.ingest.record import ItemRecord

#: A row as a reader yields it: ``{column: value}``.
Row = dict[str, Any]
Converter = Callable[[Row], ItemRecord]


class PresetError(Exception):
    """A preset cannot read this file with these options; the message says what to add."""


@dataclass(frozen=True)
class Options:
    """Command-line choices that presets may need."""

    year: int | None = None
    platform: str = ""
    #: ``--map column=field`` pairs, for the generic preset.
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    #: Platform of the items (for naming a new source); "" = decided by the options.
    platform: str
    #: Check the file (path, column names) and options once; return the per-row converter.
    bind: Callable[[Path, Sequence[str], Options], Converter]
    #: Whether this preset recognises the file by its name and columns (for ``--preset auto``).
    detect: Callable[[Path, Sequence[str]], bool]


def text(row: Row, *names: str) -> str:
    """The first non-empty of ``names`` as stripped text ("" when none is present)."""
    for name in names:
        value = row.get(name)
        if value is not None and value != "":
            return str(value).strip()
    return ""


def count(row: Row, *names: str) -> int | None:
    """The first non-empty of ``names`` as a count; a malformed one rejects the row."""
    for name in names:
        value = row.get(name)
        if value is None or value == "":
            continue
        try:
            return parse_count(value)
        except CountParseError as exc:
            raise Rejected(f"{name}: {exc}") from None
    return None


def when(row: Row, *names: str, year: int | None = None) -> datetime | None:
    """The first non-empty of ``names`` as a time; an unparseable one rejects the row."""
    for name in names:
        value = row.get(name)
        if value is None or value == "":
            continue
        try:
            return parse_time(value, year=year)
        except TimeParseError as exc:
            raise Rejected(f"{name}: {exc}") from None
    return None

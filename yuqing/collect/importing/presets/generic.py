"""``--map column=field``: any table, with the columns named on the command line.

Used when no preset fits. Times and counts go through the same parsers as the presets; all
other fields are taken as text. The whole row (minus author-identifying columns) is kept as
``raw``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from yuqing.collect.importing.presets.base import (
    Converter,
    Options,
    Preset,
    PresetError,
    Row,
    count,
    text,
    when,
)
from yuqing.collect.ingest import privacy
from yuqing.collect.ingest.record import ItemRecord

_TEXT_FIELDS = frozenset({
    "text", "title", "external_id", "url", "parent_external_id", "parent_kind", "region",
    "author_id", "author_name", "platform", "kind", "language",
})
_COUNT_FIELDS = frozenset({"likes", "reposts", "comments", "views"})
FIELDS = frozenset({*_TEXT_FIELDS, *_COUNT_FIELDS, "published_at"})
#: Columns that locate a person's connection, not the post; never accepted as its region.
_IP_COLUMNS = frozenset({"ip_location", "ip", "ip_address", "ip_addr"})


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``["微博内容=text", …]`` into ``{column: field}``, refusing unknown or repeated fields."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column:
            raise PresetError(f"--map {pair!r}: expected column=field")
        if target not in FIELDS:
            raise PresetError(f"--map {pair!r}: unknown field {target!r}; "
                              f"fields: {', '.join(sorted(FIELDS))}")
        if target in mapping.values():
            raise PresetError(f"--map: field {target!r} is mapped twice")
        if target == "region" and column.lower() in _IP_COLUMNS:
            raise PresetError(f"--map {pair!r}: a region derived from an IP address is "
                              f"not accepted")
        mapping[column] = target
    return mapping


def _reader(column: str, target: str, year: int | None) -> Callable[[Row], Any]:
    if target in _COUNT_FIELDS:
        return lambda row: count(row, column)
    if target == "published_at":
        return lambda row: when(row, column, year=year)
    return lambda row: text(row, column)


def _bind(path: Path, columns: Sequence[str], options: Options) -> Converter:
    if not options.mapping:
        raise PresetError("generic: give the columns with --map column=field")
    missing = [c for c in options.mapping if c not in columns]
    if missing:
        raise PresetError(f"{path.name}: no column {', '.join(map(repr, missing))} "
                          f"(columns: {', '.join(columns)})")
    if not options.platform and "platform" not in options.mapping.values():
        raise PresetError("generic: give --platform, or map a column to platform")
    readers = {target: _reader(column, target, options.year)
               for column, target in options.mapping.items()}
    defaults = {"platform": options.platform, "kind": "post", "parent_kind": "post",
                "language": "zh"}

    def convert(row: Row) -> ItemRecord:
        values = {target: read(row) for target, read in readers.items()}
        for name, default in defaults.items():
            if not values.get(name):
                values[name] = default
        return ItemRecord(**values, raw=privacy.scrub(row))

    return convert


GENERIC = Preset(
    name="generic",
    summary="any table; name the columns with --map column=field (and --platform)",
    platform="",
    bind=_bind,
    detect=lambda path, columns: False,
)

"""Paths into JSON, and one JSON object into an item record by a field mapping."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from yuqing.collect.connectors.dates import parse_when
from yuqing.collect.importing.counts import CountParseError, parse_count
from yuqing.collect.importing.timeparse import TimeParseError
from yuqing.collect.ingest import privacy
from yuqing.collect.ingest.pipeline import Rejected
from yuqing.collect.ingest.record import ItemRecord

TEXT_FIELDS = frozenset({"external_id", "url", "title", "text", "author_id", "author_name",
                         "region", "kind", "parent_external_id", "parent_kind", "language"})
COUNT_FIELDS = frozenset({"likes", "reposts", "comments", "views"})
FIELDS = TEXT_FIELDS | COUNT_FIELDS | {"published_at"}
_MISSING = object()


def pluck(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` (``data.list``, ``stats.0.count``); ``None`` when any
    step is missing. The empty path is ``data`` itself."""
    value = data
    for part in path.split(".") if path else ():
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(
                part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is _MISSING:
            return None
    return value


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def to_record(item: Any, fields: Mapping[str, str], *, platform: str, id_prefix: str,
              now: datetime) -> ItemRecord:
    """The record for one API item; raises :class:`Rejected` for a value that cannot be
    read (a count that is not a number, a time that is not a time)."""
    if not isinstance(item, Mapping):
        raise Rejected("the item is not a JSON object")
    values: dict[str, Any] = {}
    for target, path in fields.items():
        value = pluck(item, path)
        if target in COUNT_FIELDS:
            try:
                values[target] = parse_count(value)
            except CountParseError as exc:
                raise Rejected(f"{target}: {exc}") from None
        elif target == "published_at":
            if value is None or value == "":
                continue
            try:
                values[target] = parse_when(str(value), now)
            except TimeParseError as exc:
                raise Rejected(f"{target}: {exc}") from None
        else:
            values[target] = _text(value)
    if values.get("external_id") and id_prefix:
        values["external_id"] = f"{id_prefix}{values['external_id']}"
    return ItemRecord(platform=platform, raw=privacy.scrub(dict(item)), **values)

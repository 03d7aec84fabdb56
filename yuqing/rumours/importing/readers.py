"""Rows of a CSV, JSON array or JSON Lines file, each with the line it starts on.

A bad row is reported with its line number and skipped; only a file that cannot be read at all
(undecodable, malformed JSON) stops the import. JSON arrays are decoded element by element with
``raw_decode`` so that each element's line is known without a streaming parser.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yuqing.collect.importing.streams import GB18030, detect_encoding

_WHITESPACE = " \t\r\n"


class FileError(ValueError):
    """The file as a whole cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    #: A JSON object, or a CSV record by column name; anything else is reported as bad.
    data: Any


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — as the item importer decides."""
    encoding = detect_encoding(data, complete=True)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode(GB18030, errors="replace")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _json_array(text: str, start: int) -> list[Row]:
    decoder = json.JSONDecoder()
    rows: list[Row] = []
    at = _skip(text, start + 1)
    if at < len(text) and text[at] == "]":
        return rows
    while True:
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise FileError(_("line %(line)d: malformed JSON (%(error)s)") % {
                "line": exc.lineno, "error": exc.msg}) from None
        rows.append(Row(_line_of(text, at), value))
        at = _skip(text, end)
        if at < len(text) and text[at] == ",":
            at = _skip(text, at + 1)
            continue
        if at < len(text) and text[at] == "]":
            return rows
        raise FileError(_("line %(line)d: expected “,” or “]” in the JSON array") % {
            "line": _line_of(text, at)})


def _json_lines(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(Row(number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rows.append(Row(number, _BadJson(exc.msg)))
    return rows


@dataclass(frozen=True, slots=True)
class _BadJson:
    """A JSON Lines line that does not parse: a bad row, not a bad file."""

    message: str


#: The longest field a rumour-base CSV may hold (an explanation is a few thousand characters).
MAX_CSV_FIELD = 100_000


def _csv(text: str) -> list[Row]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames:
        raise FileError(_("the CSV file has no header row"))
    rows = []
    start = reader.line_num + 1
    try:
        for record in reader:
            # Checked here, not left to the csv module: its field limit is process-wide and
            # other importers raise it.
            if any(len(value or "") > MAX_CSV_FIELD for value in record.values()
                   if isinstance(value, str)):
                raise csv.Error(f"a field longer than {MAX_CSV_FIELD} characters")
            rows.append(Row(start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileError(_("line %(line)d: unreadable CSV (%(error)s)") % {
            "line": start, "error": exc}) from None
    return rows


def read_rows(data: bytes, *, kind: str) -> tuple[str, list[Row]]:
    """``kind``: ``"csv"``, ``"json"`` (array or JSON Lines) or ``"auto"`` (by the content).
    Returns the kind read and the rows."""
    text = decode(data)
    first = _skip(text, 0)
    if kind == "auto":
        kind = "json" if first < len(text) and text[first] in "[{" else "csv"
    if kind == "csv":
        return kind, _csv(text)
    if first < len(text) and text[first] == "[":
        return kind, _json_array(text, first)
    return kind, _json_lines(text)


def bad_json(row: Row) -> str | None:
    """Why a JSON Lines row could not be parsed, if it could not."""
    if isinstance(row.data, _BadJson):
        return _("malformed JSON (%(error)s)") % {"error": row.data.message}
    return None

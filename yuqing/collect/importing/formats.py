"""Readers for CSV, TSV, JSON (top-level array), JSON Lines and XLSX — one row at a time.

Every reader streams: it holds one row (and the parser's buffer), never the file, so a 2 GB
export imports in the same memory as a 2 MB one. A row the reader cannot make sense of (wrong
number of columns, a JSONL line that is not JSON) is yielded with ``error`` set, so it is
quarantined and counted like any other rejection; only damage that makes the rest of the file
unreadable (a broken JSON array) raises :class:`FormatError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import ijson
import openpyxl

from yuqing.collect.importing import streams

#: Longest CSV field accepted; a longer one means an unbalanced quote swallowed the file.
MAX_FIELD = 16 * 1024 * 1024
SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".xlsx")


class FormatError(Exception):
    """The file cannot be read (further); the message says where and why."""


@dataclass(slots=True)
class SourceRow:
    #: Line (CSV, TSV, JSONL; the sheet row for XLSX) or record index (JSON array), from 1.
    number: int
    #: The row as read: a ``{column: value}`` dict, or the bare fields when malformed.
    data: Any
    #: Why the reader could not make a record of it; empty when it could.
    error: str = ""


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[SourceRow]
    #: What ``SourceRow.number`` counts: "line" or "record".
    locator: str
    decoding: streams.Decoding


def _csv_rows(stream: io.BufferedReader, decoding: streams.Decoding,
              suffix: str) -> Table:
    text = streams.text(stream, decoding.encoding)
    first = text.readline()
    # Several published "CSV" files are tab-separated; the header line tells them apart.
    tabbed = suffix == ".tsv" or ("\t" in first and "," not in first)
    reader = csv.reader(itertools.chain([first], text), delimiter="\t" if tabbed else ",")
    header = next(reader, [])
    columns = [name.strip().lstrip("\ufeff") for name in header]

    def rows() -> Iterator[SourceRow]:
        line = reader.line_num + 1
        try:
            for fields in reader:
                start, line = line, reader.line_num + 1
                if not fields:
                    continue  # a blank line is not a row
                if len(fields) != len(columns):
                    yield SourceRow(start, fields,
                                    f"expected {len(columns)} columns, found {len(fields)}")
                else:
                    yield SourceRow(start, dict(zip(columns, fields)))  # noqa: B905 (checked)
        except csv.Error as exc:
            raise FormatError(f"line {line}: {exc}") from None

    return Table(columns, rows(), "line", decoding)


def _object_or_error(number: int, value: Any) -> SourceRow:
    if isinstance(value, dict):
        return SourceRow(number, value)
    return SourceRow(number, value, "not a JSON object")


def _jsonl_rows(stream: io.BufferedReader, decoding: streams.Decoding) -> Iterator[SourceRow]:
    for number, line in enumerate(streams.text(stream, decoding.encoding), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceRow(number, line.rstrip("\r\n"), f"invalid JSON: {exc.msg}")
        else:
            yield _object_or_error(number, value)


def _json_array_rows(stream: io.BufferedReader,
                     decoding: streams.Decoding) -> Iterator[SourceRow]:
    source: io.BufferedIOBase = stream
    if decoding.encoding == streams.GB18030:
        source = io.BufferedReader(streams.Utf8Bytes(streams.text(stream, decoding.encoding)))
    number = 0
    try:
        for number, value in enumerate(ijson.items(source, "item", use_float=True), start=1):
            yield _object_or_error(number, value)
    except ijson.JSONError as exc:
        raise FormatError(f"after record {number}: invalid JSON: {exc}") from None


def _json_rows(stream: io.BufferedReader,
               decoding: streams.Decoding) -> tuple[Iterator[SourceRow], str]:
    """A ``.json`` file holding one array is streamed with ijson (rows are numbered by
    record); one starting with ``{`` is JSON Lines under a ``.json`` name (several exporters
    do that; rows are numbered by line)."""
    if decoding.encoding == streams.UTF8_BOM:
        stream.read(len(codecs.BOM_UTF8))
    if stream.peek(4096).lstrip().startswith(b"{"):
        return _jsonl_rows(stream, decoding), "line"
    return _json_array_rows(stream, decoding), "record"


def _cell(value: Any) -> Any:
    """Sheet cells as JSON-safe values (dates become ISO text, parsed like any other)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _xlsx_table(stream: io.BufferedReader) -> Table:
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError… for bad files
        raise FormatError(f"not a readable XLSX workbook: {exc}") from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, ())
    columns = [str(name).strip() if name is not None else f"column{i}"
               for i, name in enumerate(header, start=1)]

    def rows() -> Iterator[SourceRow]:
        try:
            for number, values in enumerate(cells, start=2):
                if all(v is None or v == "" for v in values):
                    continue
                data = {col: _cell(v) for col, v in zip(columns, values, strict=False)}
                if len(values) > len(columns) and any(v is not None
                                                       for v in values[len(columns):]):
                    yield SourceRow(number, [_cell(v) for v in values],
                                    f"expected {len(columns)} columns, found {len(values)}")
                else:
                    yield SourceRow(number, data)
        finally:
            book.close()

    return Table(columns, rows(), "line", streams.Decoding("xlsx"))


def _peeked_columns(rows: Iterator[SourceRow]) -> tuple[list[str], Iterator[SourceRow]]:
    """Column names of a JSON file are the keys of its first record."""
    first = next(rows, None)
    if first is None:
        return [], iter(())
    columns = list(first.data) if isinstance(first.data, dict) else []
    return columns, itertools.chain([first], rows)


@contextmanager
def open_table(path: Path, stream: io.BufferedReader) -> Iterator[Table]:
    """The rows of ``path`` (read through ``stream``), by file suffix."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FormatError(f"unsupported file type {suffix or '(none)'!r}; "
                          f"expected one of {', '.join(SUFFIXES)}")
    if suffix == ".xlsx":
        yield _xlsx_table(stream)
        return
    csv.field_size_limit(MAX_FIELD)
    with streams.decoding(stream) as decoding:
        if suffix in (".csv", ".tsv"):
            yield _csv_rows(stream, decoding, suffix)
            return
        rows, locator = ((_jsonl_rows(stream, decoding), "line") if suffix == ".jsonl"
                         else _json_rows(stream, decoding))
        columns, rows = _peeked_columns(rows)
        yield Table(columns, rows, locator, decoding)

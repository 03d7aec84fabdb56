"""Readers for labelled (and unlabelled) text files in the formats the project meets.

Each reader returns raw ``(text, label)`` rows; :func:`load_labelled` maps labels onto a task.
Formats: ``smp`` (SMP2020-EWECT JSON array of ``{id, content, label}``), ``senti-tsv``
(``label<TAB>text``, no header), ``senti-tdm`` (header ``label<TAB>x_…``), ``senti-bert``
(``text<TAB>label``, split on the last tab), ``lyu`` (``review,label`` with seven numeric
codes), and generic ``csv``/``tsv``/``json``/``jsonl`` with configurable column names.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from yuqing.analysis.tone.labels import LYU_CODES, SENTI_CODES, Task, map_label
from yuqing.collect.importing import streams

FORMATS = ("auto", "smp", "senti-tsv", "senti-tdm", "senti-bert", "lyu", "csv", "tsv", "json",
           "jsonl")
#: Column names tried, in order, when a generic file does not name its columns explicitly.
TEXT_COLUMNS = ("text", "content", "review", "微博中文内容", "x_valid", "x_test", "x_train")
LABEL_COLUMNS = ("label", "labels", "情感倾向", "sentiment", "emotion")

Row = tuple[str, str]


class DatasetError(ValueError):
    """A file that cannot be read as labelled text."""


@dataclass(frozen=True)
class Columns:
    """Column names of a generic file; ``None`` means: try the usual names."""

    text: str | None = None
    label: str | None = None


def read_text(path: Path) -> str:
    """Decode with the importer's detection: UTF-8 (with or without BOM), else GB18030, as
    Chinese exports often use.

    GB18030 files seen in practice hold a few invalid bytes, so they are replaced, not fatal.
    """
    data = path.read_bytes()
    encoding = streams.detect_encoding(data, complete=True)
    return data.decode(encoding, errors="replace" if encoding == streams.GB18030 else "strict")


def detect_format(path: Path, content: str) -> str:
    """Guess a format from the suffix and the first line, for ``--format auto``."""
    stripped = content.lstrip()
    first = stripped.split("\n", 1)[0].rstrip("\r")
    if stripped.startswith("["):
        return "smp" if '"content"' in stripped[:2000] else "json"
    if stripped.startswith("{"):
        return "jsonl"
    if first.replace(" ", "") == "review,label":
        return "lyu"
    if "\t" in first:
        head, _, tail = first.partition("\t")
        if head == "label" and tail.startswith("x_"):
            return "senti-tdm"
        if head in SENTI_CODES:
            return "senti-tsv"
        if first.rpartition("\t")[2] in SENTI_CODES:
            return "senti-bert"
        return "tsv"
    return "tsv" if path.suffix.lower() == ".tsv" else "csv"


def _pick(fields: Iterable[str], wanted: str | None, usual: tuple[str, ...], what: str) -> str:
    names = list(fields)
    for name in (wanted,) if wanted else usual:
        if name in names:
            return name
    raise DatasetError(f"no {what} column among {names}; name it explicitly")


def _records(fmt: str, content: str) -> Iterator[dict[str, object]]:
    if fmt in ("json", "smp"):
        data = json.loads(content)
        if not isinstance(data, list):
            raise DatasetError("expected a JSON array of objects")
        yield from data
    elif fmt == "jsonl":
        for line in content.splitlines():
            if line.strip():
                yield json.loads(line)
    else:
        delimiter = "\t" if fmt == "tsv" else ","
        yield from csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)


def _generic(fmt: str, content: str, columns: Columns, need_label: bool) -> Iterator[Row]:
    text_col = label_col = ""
    for record in _records(fmt, content):
        if not isinstance(record, dict):
            raise DatasetError("expected objects with text and label fields")
        if not text_col:
            text_col = _pick(record, columns.text, TEXT_COLUMNS, "text")
            label_col = _pick(record, columns.label, LABEL_COLUMNS, "label") if need_label else ""
        label = record.get(label_col, "") if need_label else ""
        yield str(record.get(text_col) or ""), str(label if label is not None else "")


def _senti(fmt: str, content: str) -> Iterator[Row]:
    lines = content.splitlines()
    for line in lines[1:] if fmt == "senti-tdm" else lines:
        if not line.strip():
            continue
        if fmt == "senti-bert":
            text, _, code = line.rpartition("\t")
        else:
            code, _, text = line.partition("\t")
        if code.strip() not in SENTI_CODES:
            raise DatasetError(f"{fmt}: label {code!r} is not 0 or 1 in line {line[:60]!r}")
        yield text, SENTI_CODES[code.strip()]


def read_rows(
    path: Path, fmt: str = "auto", columns: Columns | None = None, *, need_label: bool = True
) -> list[Row]:
    """Raw ``(text, label)`` rows of one file, labels as the dataset names them (translated
    from numeric codes where the format defines them); empty texts are skipped."""
    content = read_text(path)
    if fmt == "auto":
        fmt = detect_format(path, content)
    if fmt not in FORMATS:
        raise DatasetError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    rows: Iterable[Row]
    if fmt.startswith("senti-"):
        rows = _senti(fmt, content)
    elif fmt == "lyu":
        rows = ((t, LYU_CODES.get(label.strip(), label))
                for t, label in _generic("csv", content, Columns("review", "label"), need_label))
    else:
        default = Columns("content", "label") if fmt == "smp" else Columns()
        rows = _generic("json" if fmt == "smp" else fmt, content, columns or default, need_label)
    try:
        return [(text, label) for text, label in rows if text.strip()]
    except (json.JSONDecodeError, csv.Error) as exc:
        raise DatasetError(f"{path}: not valid {fmt}: {exc}") from exc


def load_labelled(
    task: Task, paths: Iterable[Path], fmt: str = "auto", columns: Columns | None = None
) -> tuple[list[str], list[str]]:
    """Texts and task labels from files; rows whose label does not apply to the task (surprise
    for tone) are dropped."""
    texts: list[str] = []
    labels: list[str] = []
    for path in paths:
        for text, raw in read_rows(path, fmt, columns):
            label = map_label(task, raw)
            if label is not None:
                texts.append(text)
                labels.append(label)
    return texts, labels


def load_unlabelled(paths: Iterable[Path], columns: Columns | None = None) -> list[str]:
    """Texts only, from files or directories of files (e.g. a crawl of JSON arrays)."""
    texts: list[str] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            texts.extend(text for text, _ in read_rows(file, "auto", columns, need_label=False))
    return texts

"""The folder connector: a crawler's output folder, imported as it grows.

Settings::

    path: /srv/yuqing/inbox/mediacrawler   # must lie under YUQING_COLLECT_FOLDER_ROOTS
    pattern: "**/*.jsonl"                  # glob under path (default: every supported file)
    preset: auto                           # as ``yuqing import --preset``
    year: 2026                             # for dates without a year
    platform: weibo                        # with mapping: the items' platform
    mapping: {微博内容: text, 发布时间: published_at}   # as ``--map``

CSV, TSV and JSONL files are read from where the last run stopped, whole records only (see
:mod:`.chunks`), so every byte is imported once; the cursor advances only after the rows
before it are stored. A file that shrank or whose first bytes changed was replaced and is
read again from the start (items are upserted, so nothing doubles). JSON arrays and XLSX
workbooks cannot be read in part and are imported again whenever they change. Rows that
cannot be read go to a quarantine file, as with ``yuqing import``.
"""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import Field, field_validator

from yuqing.collect.connectors.base import ConfigError, Connector, Run, Settings, SourceFailed
from yuqing.collect.connectors.folder.chunks import RecordTooLong, chunks
from yuqing.collect.importing import formats, streams
from yuqing.collect.importing.presets import AUTO, PRESETS, Options, PresetError, resolve
from yuqing.collect.importing.presets.generic import parse_mapping
from yuqing.collect.importing.quarantine import Quarantine
from yuqing.collect.ingest.pipeline import Rejected
from yuqing.collect.models import Source, SourceKind

#: Read from where the last run stopped; the others are read whole when they change.
APPENDABLE = frozenset({".csv", ".tsv", ".jsonl"})
#: A file untouched this long is finished: a last line without a newline counts.
QUIET_SECONDS = 600
#: Bytes hashed to recognise a file that was replaced rather than appended to.
_HEAD = 1024


class FolderSettings(Settings):
    path: str
    pattern: str = "**/*"
    preset: str = AUTO
    year: int | None = Field(default=None, ge=1900, le=2100)
    platform: str = ""
    mapping: dict[str, str] = {}

    @field_validator("preset")
    @classmethod
    def _preset(cls, value: str) -> str:
        if value != AUTO and value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; presets: {', '.join([AUTO, *PRESETS])}")
        return value

    @field_validator("mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str]) -> dict[str, str]:
        try:
            return parse_mapping([f"{column}={field}" for column, field in value.items()])
        except PresetError as exc:
            raise ValueError(str(exc).replace("--map ", "")) from None

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not value or value.startswith("/") or ".." in Path(value).parts:
            raise ValueError("a relative glob inside the folder, such as **/*.jsonl")
        return value


def allowed_roots() -> list[Path]:
    return [Path(root).expanduser().resolve() for root in settings.YUQING_COLLECT_FOLDER_ROOTS]


def _head_hash(path: Path, size: int) -> str:
    with path.open("rb") as stream:
        return hashlib.sha1(stream.read(min(size, _HEAD)), usedforsecurity=False).hexdigest()


def _header(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.readline(1024 * 1024)


class _Reader:
    """One run over the folder; rejected rows go to a quarantine file opened on first use."""

    def __init__(self, run: Run, config: FolderSettings) -> None:
        self.run = run
        self.config = config
        self.options = Options(year=config.year, platform=config.platform,
                               mapping=config.mapping)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        self.quarantine = Quarantine(Path(settings.YUQING_QUARANTINE_DIR)
                                     / f"folder-{run.source.pk}-{stamp}.jsonl")
        self.rows = 0

    def rows_left(self) -> bool:
        return not self.run.preview or self.rows < self.run.budget

    def table(self, path: Path, stream: io.BufferedReader, first_line: int) -> None:
        """Convert and hand over the rows of ``stream`` (a table: header, then rows)."""
        with formats.open_table(path, stream) as table:
            preset = resolve(self.config.preset, path, table.columns, self.options)
            convert = preset.bind(path, table.columns, self.options)
            for row in table.rows:
                if not self.rows_left():
                    return
                self.rows += 1
                where = f"{path.name}:{first_line + row.number - 1}"
                if row.error:
                    self.reject(path, where, row.error, row.data)
                    continue
                try:
                    record = convert(row.data)
                except Rejected as exc:
                    self.reject(path, where, exc.reason, row.data)
                    continue
                record.origin = where
                self.run.emit(record)
            if table.decoding.replacements:
                self.run.problem(str(path), f"{table.decoding.replacements} undecodable bytes "
                                 "replaced by U+FFFD", warning=True)

    def reject(self, path: Path, where: str, reason: str, row: Any) -> None:
        self.run.problem(where, reason)
        if not self.run.preview:
            self.quarantine.add(path, "line", int(where.rpartition(":")[2]), reason, row)


class FolderConnector(Connector[FolderSettings]):
    kind = SourceKind.FOLDER
    model = FolderSettings
    help = _("Settings: path (a folder under the allowed roots), optional pattern (glob, "
             "e.g. **/*.jsonl), preset (auto), year, platform and mapping (column: field) "
             "as for yuqing import.")

    def check(self, source: Source, config: FolderSettings) -> None:
        path = Path(config.path).expanduser()
        if not path.is_absolute():
            raise ConfigError(["path: give an absolute path"])
        resolved = path.resolve()
        roots = allowed_roots()
        if not any(resolved == root or root in resolved.parents for root in roots):
            raise ConfigError([f"path: {resolved} is outside the folders yuqing may read "
                               f"({', '.join(map(str, roots))}; see "
                               "YUQING_COLLECT_FOLDER_ROOTS)"])

    def collect(self, run: Run, config: FolderSettings) -> None:
        root = Path(config.path).expanduser().resolve()
        if not root.is_dir():
            raise SourceFailed(f"the folder {root} does not exist or is not readable")
        files = sorted(p for p in root.glob(config.pattern)
                       if p.suffix.lower() in formats.SUFFIXES and p.is_file()
                       and root in p.resolve().parents)
        known: dict[str, dict[str, Any]] = run.cursor.setdefault("files", {})
        present = {str(p.relative_to(root)) for p in files}
        for gone in set(known) - present:
            del known[gone]
        reader = _Reader(run, config)
        try:
            for path in files:
                if not reader.rows_left():
                    break
                name = str(path.relative_to(root))
                try:
                    self._file(reader, path, known, name)
                except (formats.FormatError, PresetError, RecordTooLong, OSError) as exc:
                    run.problem(name, str(exc))
        finally:
            reader.quarantine.close()
            if reader.quarantine.written:
                run.problem(reader.quarantine.written, "rejected rows were written to this "
                            "quarantine file", warning=True)

    def _file(self, reader: _Reader, path: Path, known: dict[str, dict[str, Any]],
              name: str) -> None:
        stat = path.stat()
        identity = f"{stat.st_dev}:{stat.st_ino}"
        state = known.get(name, {})
        if path.suffix.lower() not in APPENDABLE:
            version = f"{identity}:{stat.st_size}:{stat.st_mtime_ns}"
            if state.get("version") == version:
                return
            with streams.open_binary(str(path), lambda _n: None) as stream:
                reader.table(path, stream, 1)
            known[name] = {"version": version}
            reader.run.checkpoint()
            return
        offset = int(state.get("offset", 0))
        replaced = (state.get("identity") != identity or stat.st_size < offset
                    or (offset and state.get("head") != _head_hash(path, offset)))
        if replaced:
            offset, state = 0, {"lines": 0}
        if stat.st_size <= offset:
            return
        quoted = path.suffix.lower() != ".jsonl"
        header = _header(path) if quoted else b""
        finished = time.time() - stat.st_mtime > QUIET_SECONDS
        lines = int(state.get("lines", 0))
        with path.open("rb") as stream:
            for end, data in chunks(stream, offset, stat.st_size, quoted=quoted,
                                    finished=finished):
                table = data if offset == 0 or not quoted else header + data
                first = lines + (1 if offset == 0 or not quoted else 0)
                reader.table(path, io.BufferedReader(io.BytesIO(table)), first)
                if not reader.rows_left():
                    return
                offset, lines = end, lines + data.count(b"\n")
                known[name] = {"identity": identity, "offset": offset, "lines": lines,
                               "head": _head_hash(path, offset)}
                reader.run.checkpoint()


CONNECTOR = FolderConnector()

"""Import files: read rows, convert them with a preset, send batches through the pipeline.

Each batch of ``settings.YUQING_IMPORT_BATCH`` records is written in its own transaction by
the pipeline's upsert, so an import that stops half-way (crash, Ctrl-C, bad file) leaves
whole batches behind, and running the same command again completes it: rows already stored
come back "unchanged". Every run leaves an :class:`ImportRun` row and one audit entry, also
when it fails.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from tqdm import tqdm

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.importing import formats, streams
from yuqing.collect.importing.presets import Options, Preset, resolve
from yuqing.collect.importing.presets.base import Converter
from yuqing.collect.importing.quarantine import Quarantine
from yuqing.collect.importing.tally import Tally
from yuqing.collect.ingest import pipeline
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import ImportRun, Source


@dataclass(frozen=True)
class FilePlan:
    """One file, with the preset chosen for it and bound to it."""

    path: Path
    preset: Preset
    convert: Converter


def plan(paths: Sequence[Path], preset_name: str, options: Options) -> list[FilePlan]:
    """Choose and bind a preset for every file before anything is written, so a missing
    ``--year`` or an unrecognised file stops the command before it imports half the list."""
    plans = []
    for path in paths:
        with (streams.open_binary(str(path), lambda _n: None) as stream,
              formats.open_table(path, stream) as table):
            columns = table.columns
        preset = resolve(preset_name, path, columns, options)
        plans.append(FilePlan(path, preset, preset.bind(path, columns, options)))
    return plans


class _Run:
    """The state of one import while it runs."""

    def __init__(self, source: Source, quarantine: Quarantine, batch_size: int) -> None:
        self.source = source
        self.quarantine = quarantine
        self.batch_size = batch_size
        self.tally = Tally()

    def file(self, item: FilePlan, advance: Callable[[int], object]) -> None:
        """Import one file; ``advance`` is told each number of bytes read."""
        pending: list[tuple[ItemRecord, formats.SourceRow]] = []
        with (streams.open_binary(str(item.path), advance) as stream,
              formats.open_table(item.path, stream) as table):
            try:
                for row in table.rows:
                    self.tally.read += 1
                    if row.error:
                        self._reject(item.path, table.locator, row, row.error)
                        continue
                    try:
                        rec = item.convert(row.data)
                    except pipeline.Rejected as exc:
                        self._reject(item.path, table.locator, row, exc.reason)
                        continue
                    rec.origin = f"{item.path.name}:{row.number}"
                    pending.append((rec, row))
                    if len(pending) >= self.batch_size:
                        self._write(item.path, table.locator, pending)
                        pending = []
            except formats.FormatError:
                # Damage ends the file, not the rows read before it: store those.
                self._write(item.path, table.locator, pending)
                raise
            finally:
                self.tally.replacements += table.decoding.replacements
            self._write(item.path, table.locator, pending)

    def _reject(self, path: Path, locator: str, row: formats.SourceRow, reason: str) -> None:
        self.tally.rejected += 1
        self.quarantine.add(path, locator, row.number, reason, row.data)

    def _write(self, path: Path, locator: str,
               pending: list[tuple[ItemRecord, formats.SourceRow]]) -> None:
        if not pending:
            return
        batch = pipeline.Batch(source=self.source, records=[rec for rec, _row in pending])
        batch = pipeline.run(batch, [*pipeline.PREPARE, *pipeline.WRITE])
        rows = {id(rec): row for rec, row in pending} if batch.rejected else {}
        for rejection in batch.rejected:
            row = rows[id(rejection.record)]
            self.quarantine.add(path, locator, row.number, rejection.reason, row.data)
        self.tally.written(batch, len(pending))


def run_import(plans: Sequence[FilePlan], source: Source, *,
               progress: bool = False) -> tuple[ImportRun, Tally]:
    """Import the planned files into ``source``; re-raises whatever stopped it, after
    recording the run with the error."""
    presets = ",".join(sorted({p.preset.name for p in plans}))
    run = ImportRun.objects.create(preset=presets[:40], source=source,
                                   paths=[str(p.path) for p in plans])
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    quarantine = Quarantine(settings.YUQING_QUARANTINE_DIR / f"import-{run.pk}-{stamp}.jsonl")
    state = _Run(source, quarantine, settings.YUQING_IMPORT_BATCH)
    error = ""
    total = sum(p.path.stat().st_size for p in plans)
    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
               disable=not progress, desc="import")
    try:
        for item in plans:
            bar.set_postfix_str(item.path.name, refresh=False)
            state.file(item, bar.update)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        bar.close()
        quarantine.close()
        _finish(run, state.tally, quarantine.written, error, plans)
    return run, state.tally


def _finish(run: ImportRun, tally: Tally, quarantine_path: str, error: str,
            plans: Sequence[FilePlan]) -> None:
    """Store the figures and write the run's audit entry.

    A queryset update, not ``save()``: the audit signal would otherwise add an "update" entry
    beside the one "import" entry that describes the run.
    """
    figures = tally.as_dict()
    fields = {**figures, "finished_at": timezone.now(), "quarantine_path": quarantine_path,
              "error": error}
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)
    record(Action.IMPORT, obj=run, details={
        **figures,
        "files": [str(p.path) for p in plans],
        "presets": sorted({p.preset.name for p in plans}),
        "source": run.source.name,
        "quarantine": quarantine_path,
        "error": error,
    })

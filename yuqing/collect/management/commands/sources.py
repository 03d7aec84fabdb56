"""``yuqing sources [list|fetch|import|export]``: the sources and how each is doing.

``list`` (the default) prints every source with its health; ``fetch ID`` collects one source
now (``--preview`` shows what would be collected without storing anything); ``import FILE``
creates or updates sources from a YAML or CSV list (all rows valid, or nothing changes);
``export FILE`` writes them out (``-`` for standard output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yuqing.audit.context import acting
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.models import Source
from yuqing.collect.sources import dispatch, transfer
from yuqing.collect.sources.health import Health, health


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def _format(path: str, given: str) -> str:
    if given:
        return given
    return "csv" if path.lower().endswith(".csv") else "yaml"


class Command(BaseCommand):
    help = "List sources with their health; fetch one now; import or export source lists."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action")
        listing = sub.add_parser("list", help="every source with its health (default)")
        listing.add_argument("--status", choices=Health.values, help="only this status")
        fetch = sub.add_parser("fetch", help="collect one source now")
        fetch.add_argument("id", type=int)
        fetch.add_argument("--preview", action="store_true",
                           help="show what would be collected; store nothing")
        load = sub.add_parser("import", help="create or update sources from YAML or CSV")
        load.add_argument("file", type=Path)
        load.add_argument("--format", choices=["yaml", "csv"], default="")
        load.add_argument("--dry-run", action="store_true", help="check only")
        dump = sub.add_parser("export", help="write every source as YAML or CSV")
        dump.add_argument("file", help="a path, or - for standard output")
        dump.add_argument("--format", choices=["yaml", "csv"], default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting("cli"):
            getattr(self, f"_{opts.get('action') or 'list'}")(**opts)

    def _list(self, *, status: str | None = None, **_: Any) -> None:
        sources = list(Source.objects.select_related("unit").order_by("name"))
        states = health(sources)
        shown = [s for s in sources if not status or states[s.pk].status == status]
        if not shown:
            self.stdout.write("no sources")
        for source in shown:
            state = states[source.pk]
            error = state.last_error.replace("\n", " ")
            self.stdout.write(
                f"#{source.pk:<4} {state.status:<9} {source.kind:<8} {source.name}  "
                f"[last success {_when(state.last_success_at)}, last new item "
                f"{_when(state.last_item_at)}, {state.items_per_day:.1f} items/day]"
                + (f"\n       last error {_when(state.last_error_at)}: {error[:200]}"
                   if error else ""))

    def _fetch(self, *, id: int, preview: bool = False, **_: Any) -> None:
        source = Source.objects.filter(pk=id).select_related("unit").first()
        if source is None:
            raise CommandError(f"no source #{id}")
        if preview:
            result = dispatch.preview(source)
            for rec, rejected in result.items:
                when = _when(rec.published_at)
                state = f"REJECTED ({rejected})" if rejected else "ok"
                self.stdout.write(f"{when}  {state}  {rec.title or rec.text[:60]}  {rec.url}")
            for problem in result.problems:
                self.stdout.write(f"{problem['level']}: {problem['url']}: {problem['message']}")
            if result.error:
                raise CommandError(result.error)
            self.stdout.write(f"{len(result.items)} item(s) in {result.requests} request(s); "
                              "nothing was stored")
            return
        run = dispatch.run_now(source)
        if run is None:
            raise CommandError(f"source #{id} is being collected right now; try again later")
        self.stdout.write(
            f"{run.outcome}: {run.requests} requests, {run.not_modified} not modified, "
            f"{run.skipped} already seen; new {run.inserted}, updated {run.updated}, "
            f"unchanged {run.unchanged}, rejected {run.rejected}")
        for problem in run.problems:
            self.stdout.write(f"{problem['level']}: {problem['url']}: {problem['message']}")
        if run.error:
            raise CommandError(run.error)

    def _import(self, *, file: Path, format: str, dry_run: bool, **_: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
            rows = transfer.load(text, _format(str(file), format))
        except (OSError, UnicodeDecodeError, transfer.TransferError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        outcome = transfer.apply(rows, user=None, dry_run=dry_run)
        for error in outcome.errors:
            self.stderr.write(error)
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} problem(s); nothing was changed")
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{len(outcome.created)} new, {len(outcome.updated)} updated, "
                          f"{len(outcome.unchanged)} unchanged sources {verb} imported")

    def _export(self, *, file: str, format: str, **_: Any) -> None:
        fmt = _format(file, format)
        rows = transfer.export_rows(Source.objects.select_related("unit", "tier")
                                    .order_by("name"))
        text = transfer.dump(rows, fmt)
        if file == "-":
            sys.stdout.write(text)
        else:
            Path(file).write_text(text, encoding="utf-8")
        record(Action.EXPORT, model="collect.Source",
               details={"format": fmt, "rows": len(rows), "file": file})
        if file != "-":
            self.stdout.write(f"{len(rows)} sources written to {file}")

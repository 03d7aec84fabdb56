"""``yuqing import PATH... [--preset NAME] [--source NAME] …``: load exported files.

Reads CSV, TSV, JSON, JSON Lines and XLSX (UTF-8, UTF-8 with BOM or GB18030) in constant
memory, maps each row with a preset (auto-detected by default) and stores it through the
ingest pipeline. Safe to re-run: items are upserted on their natural key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yuqing.audit.context import acting
from yuqing.collect.importing import formats, runner
from yuqing.collect.importing.presets import AUTO, PRESETS, Options, PresetError
from yuqing.collect.importing.presets.generic import parse_mapping
from yuqing.collect.importing.sources import SourceError, import_source
from yuqing.collect.models import Platform


class Command(BaseCommand):
    help = ("Import posts and comments from CSV/TSV/JSON/JSONL/XLSX exports "
            "(MediaCrawler, Weibo data sets, or any table with --map).")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--preset", default=AUTO, choices=[AUTO, *PRESETS],
                            help="how to map columns (default: detect from file name/columns)")
        parser.add_argument("--source", default="",
                            help="source to file items under (created if missing; "
                                 "default: 'import <platform>')")
        parser.add_argument("--unit", default="",
                            help="unit code owning a newly created source (default: root unit)")
        parser.add_argument("--platform", default="", choices=["", *Platform.values],
                            help="platform of the items, for --map imports")
        parser.add_argument("--year", type=int, default=None,
                            help="year for dates written without one (e.g. 03月01日 12:00)")
        parser.add_argument("--map", action="append", default=[], dest="mapping",
                            metavar="COLUMN=FIELD", help="map a column to an item field")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--no-analyse", action="store_true",
                            help="only store; leave the analysis to `yuqing run` or "
                                 "`yuqing analyse`")

    def handle(self, *args: Any, **opts: Any) -> None:
        paths: list[Path] = opts["paths"]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            options = Options(year=opts["year"], platform=opts["platform"],
                              mapping=parse_mapping(opts["mapping"]))
            plans = runner.plan(paths, opts["preset"], options)
        except (PresetError, formats.FormatError) as exc:
            raise CommandError(str(exc)) from None
        platforms = {p.preset.platform or options.platform for p in plans}
        platform = platforms.pop() if len(platforms) == 1 else Platform.OTHER
        with acting("cli"):
            try:
                source = import_source(opts["source"] or f"import {platform}", platform,
                                       opts["unit"])
                run, tally = runner.run_import(
                    plans, source, progress=not opts["quiet"] and sys.stderr.isatty(),
                )
            except (SourceError, formats.FormatError) as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"import #{run.pk} into {source}: read {tally.read}, inserted {tally.inserted}, "
            f"updated {tally.updated}, unchanged {tally.unchanged}, "
            f"rejected {tally.rejected}, repeats {tally.repeats}"
        )
        if tally.replacements:
            self.stdout.write(f"undecodable bytes replaced by U+FFFD: {tally.replacements}")
        if run.quarantine_path:
            self.stdout.write(f"rejected rows: {run.quarantine_path}")
        if not opts["no_analyse"]:
            call_command("analyse", stdout=self.stdout)

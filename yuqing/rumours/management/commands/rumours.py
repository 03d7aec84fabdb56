"""``yuqing rumours import|match``: fill the debunk base from files, try the matcher.

Examples::

    yuqing rumours import 中国互联网联合辟谣.json            # format recognised by its fields
    yuqing rumours import dxy_rumours.json --format dxy
    yuqing rumours import base.csv --origin 省辟谣平台 --topic 新冠肺炎疫情
    yuqing rumours match "双黄连口服液可以抑制新型冠状病毒，转发给身边的朋友"

Generic files: a CSV with a header row, or JSON (an array of objects, or one object per line),
with the columns claim and verdict (required) and explanation, link, date, topic, source, tags,
id (optional; Chinese names such as 谣言, 结论, 解释, 链接, 日期, 话题, 来源 are accepted too).
Verdicts: false, misleading, unproven, true, or 假/谣言, 误导/有失实, 存疑/尚无定论, 真/事实.
Re-importing a file updates its entries (matched on origin and id, or on the claim when the
file has no id) and never duplicates them; bad rows are listed with their line and skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yuqing.audit.context import acting
from yuqing.rumours import engine
from yuqing.rumours.importing.formats import FORMATS
from yuqing.rumours.importing.run import ImportFailed, import_file
from yuqing.rumours.models import Debunk

#: Bad rows printed in full; the rest are counted.
SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import debunk entries from files, or show what a text matches."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = __doc__
        return parser

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a JSON or CSV file of debunks")
        load.add_argument("file", type=Path)
        load.add_argument("--format", choices=FORMATS, default="auto")
        load.add_argument("--origin", default="",
                          help="name of a generic file's source (default: csv or json)")
        load.add_argument("--topic", default="", help="topic of entries that have none")
        load.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        match = sub.add_parser("match", help="print the entries a text matches")
        match.add_argument("text", nargs="+")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "import":
            self.load(opts)
        else:
            self.match(opts)

    def load(self, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        try:
            data = path.read_bytes()
            with acting("cli"):
                outcome = import_file(data, fmt=opts["format"], origin=opts["origin"],
                                      topic=opts["topic"], dry_run=opts["dry_run"],
                                      description=path.name)
        except (OSError, ImportFailed) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for line, message in outcome.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"{path}:{line}: {message}")
        if len(outcome.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… and {len(outcome.errors) - SHOWN_ERRORS} more bad rows")
        verb = "would be" if opts["dry_run"] else "were"
        self.stdout.write(f"{path.name}: {outcome.created} new, {outcome.updated} updated, "
                          f"{outcome.unchanged} unchanged entries {verb} imported; "
                          f"{len(outcome.errors)} bad rows skipped")

    def match(self, opts: dict[str, Any]) -> None:
        text = " ".join(opts["text"])
        index = engine.current_index()
        candidates = index.match([text])[0]
        if not candidates:
            self.stdout.write(f"no match among {Debunk.objects.filter(active=True).count()} "
                              "active entries")
        entries = Debunk.objects.in_bulk([c.debunk for c in candidates])
        for candidate in candidates:
            entry = entries[candidate.debunk]
            self.stdout.write(f"{candidate.score:.2f} (evidence {candidate.evidence:.1f}) "
                              f"#{entry.pk} [{entry.verdict}] {entry.claim}")
            if candidate.wording.variant is not None:
                self.stdout.write(f"     through the wording: {candidate.wording.text}")

"""One import: read the file, map each row, report bad rows by line, write the good ones."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from yuqing.rumours.importing import formats, readers, upsert
from yuqing.rumours.importing.formats import Entry, RowError
from yuqing.rumours.importing.upsert import Outcome

#: Largest file accepted (the national platform's whole list is a few MB).
MAX_BYTES = 50 * 1024 * 1024
ORIGIN_LENGTH = 40


class ImportFailed(ValueError):
    """The file cannot be imported at all (unreadable, too large)."""


def import_file(data: bytes, *, fmt: str = "auto", origin: str = "", topic: str = "",
                dry_run: bool = False, description: str = "") -> Outcome:
    """Import ``data`` (the file's bytes).

    ``fmt``: one of :data:`.formats.FORMATS`; ``auto`` recognises the platforms' exports by
    their fields and reads anything else as generic CSV or JSON. ``origin`` names the source
    of a generic file (default ``csv`` or ``json``): entries are matched on it and their id
    when the file is imported again. ``topic`` is given to entries that have none.
    """
    if len(origin) > ORIGIN_LENGTH:
        raise ImportFailed(_("the origin is limited to %(n)d characters") % {"n": ORIGIN_LENGTH})
    if fmt not in formats.FORMATS:
        raise ImportFailed(_("unknown format %(format)r") % {"format": fmt})
    if len(data) > MAX_BYTES:
        raise ImportFailed(_("the file is larger than %(mb)d MB") % {"mb": MAX_BYTES // 2**20})
    try:
        kind, rows = readers.read_rows(data, kind="csv" if fmt == "csv" else
                                       "auto" if fmt == "auto" else "json")
    except readers.FileError as exc:
        raise ImportFailed(str(exc)) from None
    preset = fmt if fmt in formats.PRESETS else None
    if fmt == "auto" and rows:
        preset = formats.recognise(rows[0].data)
    outcome = Outcome()
    entries: list[Entry] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        try:
            problem = readers.bad_json(row)
            if problem:
                raise RowError(problem)
            entry = (formats.PRESETS[preset](row.data) if preset is not None
                     else formats.generic(row.data, origin or kind))
        except RowError as exc:
            outcome.errors.append((row.line, str(exc)))
            continue
        key = (entry.origin, entry.external_id)
        if key in seen:
            outcome.errors.append((row.line, _("the same entry as line %(line)d") % {
                "line": seen[key]}))
            continue
        seen[key] = row.line
        entries.append(replace(entry, topic=entry.topic or topic[:100]))
    return upsert.write(entries, outcome, dry_run=dry_run, description=description)

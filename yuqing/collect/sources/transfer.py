"""Source lists as YAML or CSV: export them, and import (create or update) them.

A list moves between installations (a district shares its sources with a street) or is kept
under version control. Sources are matched by platform and name; every row passes the same
form as the web page (unit scope, schedule, connector settings) and the list is written only
when every row is valid — a half-imported list is harder to fix than a refused one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction

from yuqing.collect.models import Source
from yuqing.collect.sources.forms import SourceForm, settings_yaml
from yuqing.orgs.models import User
from yuqing.web.csvexport import BOM, guard_cell

FIELDS = ("name", "platform", "kind", "url", "unit", "tier", "region", "enabled", "schedule",
          "silent_after_hours", "obey_robots", "config")
_FORMULA_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


class TransferError(ValueError):
    """The file cannot be read as a source list."""


def export_rows(sources: Iterable[Source]) -> list[dict[str, Any]]:
    rows = []
    for source in sources:
        hours = (round(source.silent_after.total_seconds() / 3600, 1) if source.silent_after
                 else None)
        rows.append({
            "name": source.name, "platform": source.platform, "kind": source.kind,
            "url": source.url, "unit": source.unit.code,
            "tier": source.tier.code if source.tier else "", "region": source.region,
            "enabled": source.enabled, "schedule": source.schedule,
            "silent_after_hours": hours, "obey_robots": source.obey_robots,
            "config": source.config or {},
        })
    return rows


def dump(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump({"sources": rows}, allow_unicode=True, sort_keys=False,
                              width=100)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows:
        values = {**row, "config": json.dumps(row["config"], ensure_ascii=False)
                  if row["config"] else "",
                  "enabled": str(row["enabled"]).lower(),
                  "obey_robots": str(row["obey_robots"]).lower()}
        writer.writerow([guard_cell(values[name]) for name in FIELDS])
    return BOM + out.getvalue()


def _unguard(value: str) -> str:
    """Undo the apostrophe the export put before a formula-like cell."""
    return value[1:] if value.startswith(_FORMULA_GUARDED) else value


def _bool(value: Any, name: str, line: int) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n"):
        return False
    raise TransferError(f"row {line}: {name}: expected true or false, not {value!r}")


def load(text: str, fmt: str) -> list[dict[str, Any]]:
    """The rows of a YAML (``sources:`` list, or a bare list) or CSV source list."""
    if fmt == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise TransferError(f"not valid YAML: {exc}") from None
        if isinstance(data, dict):
            data = data.get("sources")
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise TransferError("expected a list of sources (under 'sources:')")
        return data
    reader = csv.DictReader(io.StringIO(text.lstrip(BOM)))
    missing = {"name", "platform", "kind", "unit"} - set(reader.fieldnames or [])
    if missing:
        raise TransferError(f"the CSV has no column {', '.join(sorted(missing))}")
    rows = []
    for line, raw in enumerate(reader, start=2):
        row: dict[str, Any] = {k: _unguard(v or "") for k, v in raw.items() if k}
        if row.get("config"):
            try:
                row["config"] = json.loads(row["config"])
            except json.JSONDecodeError as exc:
                raise TransferError(f"row {line}: config is not JSON ({exc.msg})") from None
        rows.append(row)
    return rows


def _form_data(row: dict[str, Any], line: int) -> dict[str, Any]:
    unknown = set(row) - set(FIELDS)
    if unknown:
        raise TransferError(f"row {line}: unknown field(s) {', '.join(sorted(unknown))}")
    config = row.get("config") or {}
    if not isinstance(config, dict):
        raise TransferError(f"row {line}: config must be a mapping")
    hours = row.get("silent_after_hours")
    data = {name: "" if row.get(name) is None else str(row.get(name)).strip()
            for name in ("name", "platform", "kind", "url", "unit", "tier", "region",
                         "schedule")}
    data.update(settings_text=settings_yaml(config),
                silent_hours="" if hours in (None, "") else str(Decimal(str(hours))))
    if _bool(row.get("enabled", True), "enabled", line):
        data["enabled"] = "on"
    if _bool(row.get("obey_robots", True), "obey_robots", line):
        data["obey_robots"] = "on"
    return data


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def apply(rows: list[dict[str, Any]], *, user: User | None, dry_run: bool = False) -> Outcome:
    """Create or update the sources of ``rows``; nothing is written unless all are valid.

    ``user`` limits the units sources may be placed in (``None``: all, for the command line).
    """
    outcome = Outcome()
    forms: list[tuple[SourceForm, bool]] = []
    for line, row in enumerate(rows, start=1):
        try:
            data = _form_data(row, line)
        except TransferError as exc:
            outcome.errors.append(str(exc))
            continue
        existing = Source.objects.filter(platform=data["platform"], name=data["name"]).first()
        form = SourceForm(data, instance=existing, user=user)
        label = f"{data['name']} ({data['platform']})"
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    outcome.errors.append(f"row {line} {label}: {name}: {error}")
            continue
        changed = existing is None or form.has_changed()
        forms.append((form, changed))
        (outcome.created if existing is None else
         outcome.updated if changed else outcome.unchanged).append(label)
    if outcome.errors or dry_run:
        return outcome
    with transaction.atomic():
        for form, changed in forms:
            if changed:
                form.save()
    return outcome

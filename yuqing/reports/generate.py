"""Generate a report: gather its content, render its template, write HTML, PDF and DOCX, keep
all three with the report (its history), record it in the audit log.

Documents are written in the deployment's language (``YUQING_LANGUAGE``) whoever asks, so a
report reads the same whether an analyst with an English interface or the scheduler made it.
When drafting is configured (:mod:`.draft`, off by default), a model drafts a paragraph per
event from the report's own quotes before the document is rendered; the audit log names it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yuqing.analysis.models import Event
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.orgs.models import User
from yuqing.reports import charts, content, documents, draft, eventpage, formats, rollup, word
from yuqing.reports.figures import Period
from yuqing.reports.models import EVENT_KINDS, Format, Kind, Report, ReportFile, ReportSchedule
from yuqing.reports.scope import Scope

#: Top events in a daily and a weekly report.
TOP_EVENTS = {Kind.DAILY: 5, Kind.WEEKLY: 10}
WEEK_DAYS = 7
#: The longest a report waits for the hourly counts to catch up before using them as they are.
ROLLUP_WAIT_SECONDS = 120.0


class ReportError(ValueError):
    """A report that cannot be made as asked; the message is shown to the user."""


@dataclass(frozen=True)
class Rendered:
    document: content.Document
    origin: str
    files: dict[str, bytes]


def period_for(kind: str, day: date | None, event: Event | None) -> Period:
    if kind in EVENT_KINDS:
        if event is None:
            raise ReportError(_("Choose the event this report is about."))
        return eventpage.period_of(event)
    if day is None:
        raise ReportError(_("Choose the day the report covers."))
    return Period.local_days(day, WEEK_DAYS if kind == Kind.WEEKLY else 1)


def _number(kind: str, scope: Scope, year: int) -> int:
    return Report.objects.filter(kind=kind, unit=scope.unit, created_at__year=year).count() + 1


def _gist(doc: content.Document) -> str:
    """A few plain-text lines for a notification."""
    lines = []
    if doc.totals is not None:
        lines.append(_("%(items)d items, of which %(negative)d negative (%(share)s%%).") % {
            "items": doc.totals.items, "negative": doc.totals.negative,
            "share": doc.totals.negative_percent})
    for n, event in enumerate(doc.events[:5], start=1):
        lines.append(f"{n}. {event.title} ({event.trend.current})")
    return "\n".join(lines)


def render(kind: str, scope: Scope, *, day: date | None = None,
           event: Event | None = None) -> Rendered:
    """Build and write a report's files without storing anything (the benchmark's unit)."""
    period = period_for(kind, day, event)
    now = timezone.localtime()
    with translation.override(settings.LANGUAGE_CODE):
        last_day = timezone.localtime(period.end - timedelta(seconds=1)).date()
        doc = content.Document(
            kind=kind, title=content.title_for(kind, scope, event, last_day),
            number=_number(kind, scope, now.year), issuer=scope.label, issued=now,
            period_start=timezone.localtime(period.start),
            period_end=timezone.localtime(period.end), period_last_day=last_day)
        if event is not None:
            content.about_event(doc, scope, event, full=kind == Kind.ANALYSIS)
        else:
            content.periodic(doc, scope, period, TOP_EVENTS[Kind(kind)])
        endpoint = draft.configured()
        if endpoint is not None:
            with draft.Drafter(endpoint) as drafter:
                content.add_drafts(doc, drafter)
        chosen = documents.choose(kind, scope.unit)
        body = documents.render_body(chosen, {"doc": doc, "charts": doc.charts})
        images = {key: charts.render_png(spec) for key, spec in doc.charts.items()
                  if f'src="chart:{key}"' in body}
        files: dict[str, bytes] = {Format.HTML: formats.html_file(doc.title, body, images),
                 Format.PDF: formats.pdf_file(doc.title, body, images),
                 Format.DOCX: word.render(doc.title, body, images)}
    return Rendered(doc, chosen.origin, files)


def generate(kind: str, scope: Scope, *, day: date | None = None, event: Event | None = None,
             user: User | None = None, schedule: ReportSchedule | None = None) -> Report:
    """Generate and store a report of ``kind`` for ``scope``."""
    started = time.monotonic()
    rollup.refresh(budget_seconds=ROLLUP_WAIT_SECONDS)
    made = render(kind, scope, day=day, event=event)
    doc = made.document
    details: dict[str, Any] = {
        "kind": kind, "unit": scope.code, "event": event.pk if event else None,
        "template": made.origin, "cited_items": len(doc.cited)}
    drafted = sorted({part.draft.model for part in doc.events if part.draft is not None})
    if drafted:
        details["drafted_by"] = drafted
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind, unit=scope.unit, event=event, title=doc.title[:200], number=doc.number,
            period_start=doc.period_start, period_end=doc.period_end, summary=_gist(doc),
            template=made.origin, cited_items=sorted(doc.cited), schedule=schedule,
            created_by=user, seconds=round(time.monotonic() - started, 2))
        ReportFile.objects.bulk_create([
            ReportFile(report=report, format=fmt, content=data, size=len(data))
            for fmt, data in made.files.items()])
        record(Action.CREATE, obj=report, details=details)
    return report

"""What a transmittal (舆情传递单) says, gathered once for both the DOCX and the PDF.

A transmittal is one page handed to the responsible unit: the case's facts, a summary, the
evidence, the assessment and the suggested handling. Texts are cut to lengths that keep it on
one A4 page at the official-document type sizes (checked by the PDF test); the full texts stay
on the case page. Evidence lists only items the downloading user may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.analysis.region import region_name
from yuqing.cases.models import Case, CaseEvent, CaseItem
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter

TITLE_CHARS = 40
SUMMARY_CHARS = 200
ASSESSMENT_CHARS = 120
SUGGESTION_CHARS = 120
EVIDENCE_ROWS = 5
EVIDENCE_TITLE_CHARS = 24
SOURCE_CHARS = 10
URL_CHARS = 56
#: One line of the small type under the evidence table.
NOTE_CHARS = 48


@dataclass(frozen=True)
class Evidence:
    time: str
    source: str
    title: str
    url: str


@dataclass(frozen=True)
class Sheet:
    heading: str
    number: str
    issuer: str
    issued: str
    title: str
    #: (label, value) pairs for the facts table, two pairs per row.
    facts: list[tuple[str, str]]
    summary_heading: str
    summary: str
    evidence_heading: str
    evidence_columns: tuple[str, str, str, str]
    evidence: list[Evidence]
    #: "and 3 more items, 1 event: …" when not everything fits.
    evidence_note: str
    assessment_heading: str
    assessment: str
    suggestion_heading: str
    suggestion: str
    footer: str


def cut(text: str, limit: int) -> str:
    """One paragraph of at most ``limit`` characters: line breaks would cost lines."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _evidence(case: Case, user: User) -> tuple[list[Evidence], str]:
    links = (CaseItem.objects.filter(case=case, item__in=Item.objects.filter(unit_filter(user)))
             .select_related("item", "item__source").order_by("item__published_at", "id"))
    rows = [Evidence(time=_time(link.item.published_at or link.item.collected_at),
                     source=cut(link.item.source.name, SOURCE_CHARS),
                     title=cut(link.item.title or link.item.text, EVIDENCE_TITLE_CHARS),
                     url=cut(link.item.url, URL_CHARS))
            for link in links[:EVIDENCE_ROWS]]
    more = max(0, links.count() - EVIDENCE_ROWS)
    events = [cut(e, 20) for e in CaseEvent.objects.filter(case=case)
              .values_list("event__title", flat=True)[:2]]
    notes = []
    if more:
        notes.append(_("%(n)d more items on the case page") % {"n": more})
    if events:
        notes.append(_("Events: %(titles)s") % {"titles": "；".join(events)})
    return rows, cut("; ".join(notes), NOTE_CHARS)


def build(case: Case, user: User) -> Sheet:
    evidence, note = _evidence(case, user)
    code = case.region_code
    region = region_name(code[:2] + "0000", code[:4] + "00", code) if code else ""
    assignee = case.assignee
    return Sheet(
        heading=_("Public opinion transmittal"),
        number=_("No. %(number)s") % {"number": case.number},
        issuer=case.opened_unit.name if case.opened_unit else "",
        issued=timezone.localtime().strftime("%Y-%m-%d"),
        title=cut(case.title, TITLE_CHARS),
        facts=[
            (_("Level"), f"{case.level.roman} {case.level.name}"),
            (_("Category"), case.category.label() if case.category else "—"),
            (_("Region"), region or "—"),
            (_("Opened"), _time(case.opened_at)),
            (_("Responsible unit"), case.unit.name),
            (_("Assignee"), (assignee.get_full_name() or assignee.get_username())
             if assignee else "—"),
            (_("First response due"), _time(case.respond_due)),
            (_("Resolution due"), _time(case.resolve_due)),
        ],
        summary_heading=_("1. Summary"),
        summary=cut(case.summary, SUMMARY_CHARS) or "—",
        evidence_heading=_("2. Evidence"),
        evidence_columns=(_("Time"), _("Source"), _("Title"), _("Link")),
        evidence=evidence,
        evidence_note=note,
        assessment_heading=_("3. Assessment"),
        assessment=cut(case.assessment, ASSESSMENT_CHARS) or "—",
        suggestion_heading=_("4. Suggested handling"),
        suggestion=cut(case.suggestion, SUGGESTION_CHARS) or "—",
        footer=_("Printed by %(user)s at %(time)s; the case page has the full record.") % {
            "user": user.get_full_name() or user.get_username(),
            "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )

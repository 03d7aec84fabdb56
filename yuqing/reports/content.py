"""What a report says, gathered once for every format: the context of its template.

Python gathers figures and posts; the words around them are the template's (an office edits
them). Every post a report names is a :class:`Post` or :class:`Quote` carrying its item's id
and address, and every id is collected in :attr:`Document.cited`, stored with the report: a
reader can trace each statement to the items behind it. Figures link to the item list they
count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.analysis.models import Event, ItemAnalysis, Tone
from yuqing.cases.models import Case
from yuqing.collect.models import Item
from yuqing.notify.api import public_url
from yuqing.reports import draft as drafting
from yuqing.reports import eventpage, figures, text
from yuqing.reports.charts import ChartSpec
from yuqing.reports.figures import Period, RegionRow, Trend
from yuqing.reports.models import Kind, SourceHour
from yuqing.reports.scope import Scope
from yuqing.web.templatetags.web import http_url

POST_CHARS = 80
EVENT_POSTS = 5
SUMMARY_SENTENCES = 3
EVENT_KEYWORDS = 8


@dataclass(frozen=True)
class Post:
    item_id: int
    #: The item's page in yuqing (absolute).
    url: str
    #: The original address, if it is a web link.
    link: str
    time: datetime | None
    source: str
    tier: str
    platform: str
    text: str
    tone: str


@dataclass(frozen=True)
class Quote:
    """A sentence taken whole from a post."""

    text: str
    item_id: int
    url: str


@dataclass(frozen=True)
class Share:
    label: str
    items: int
    percent: float


@dataclass(frozen=True)
class Totals:
    items: int
    negative: int
    neutral: int
    positive: int
    previous: int
    trend: Trend

    def percent(self, n: int) -> float:
        return round(100 * n / self.items, 1) if self.items else 0.0

    @property
    def negative_percent(self) -> float:
        return self.percent(self.negative)

    @property
    def neutral_percent(self) -> float:
        return self.percent(self.neutral)

    @property
    def positive_percent(self) -> float:
        return self.percent(self.positive)


@dataclass
class EventPart:
    id: int
    title: str
    url: str
    #: Items of the scope (in the period, for a periodic report), the period before.
    trend: Trend
    negative: int
    heat: float
    risk: float
    first_seen: datetime
    last_seen: datetime
    first_report: Post | None
    summary: list[Quote]
    posts: list[Post]
    keywords: list[str]
    #: A paragraph drafted by a model from the texts above, when drafting is on.
    draft: drafting.Draft | None = None

    @property
    def negative_percent(self) -> float:
        return round(100 * self.negative / self.trend.current, 1) if self.trend.current else 0.0


@dataclass(frozen=True)
class CaseLine:
    number: str
    title: str
    level: str
    status: str
    unit: str
    opened: datetime
    url: str


@dataclass
class Document:
    kind: str
    title: str
    number: int
    issuer: str
    issued: datetime
    period_start: datetime
    period_end: datetime
    #: Last day of the period (periods end at midnight, which belongs to the next day).
    period_last_day: date
    totals: Totals | None = None
    platforms: list[Share] = field(default_factory=list)
    tiers: list[Share] = field(default_factory=list)
    top_sources: list[Share] = field(default_factory=list)
    events: list[EventPart] = field(default_factory=list)
    #: The report's event (flash and analysis reports).
    event: EventPart | None = None
    provinces: list[RegionRow] = field(default_factory=list)
    cities: list[RegionRow] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    schemes: list[tuple[str, Trend]] = field(default_factory=list)
    cases: list[CaseLine] = field(default_factory=list)
    timeline: list[tuple[datetime, str, Post | None]] = field(default_factory=list)
    #: Repost cascades flattened: (depth, post or None when not visible, reposts below).
    cascades: list[tuple[int, Post | None, int]] = field(default_factory=list)
    rumours: list[tuple[str, str, Post]] = field(default_factory=list)
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    #: The item list behind the period's figures.
    items_url: str = ""
    cited: set[int] = field(default_factory=set)

    def post(self, item: Item, tone: str = "") -> Post:
        self.cited.add(item.pk)
        source = item.source
        return Post(
            item_id=item.pk, url=public_url(f"/items/{item.pk}/"), link=http_url(item.url),
            time=timezone.localtime(item.published_at or item.collected_at),
            source=source.name, tier=source.tier.name if source.tier else "",
            platform=figures.platform_label(item.platform),
            text=" ".join((item.title or item.text).split())[:POST_CHARS], tone=tone)

    def quote(self, sentence: text.Sentence) -> Quote:
        self.cited.add(sentence.item_id)
        return Quote(sentence.text, sentence.item_id,
                     public_url(f"/items/{sentence.item_id}/"))


def _tones(ids: list[int]) -> dict[int, str]:
    return {pk: str(Tone(tone).label) for pk, tone in
            ItemAnalysis.objects.filter(item_id__in=ids).values_list("item_id", "tone")}


def event_part(doc: Document, event: Event, items: QuerySet[Item], heads: list[text.Head],
               trend: Trend, negative: int) -> EventPart:
    """An event as a report tells it: its first report, an extractive summary, its largest
    stories' posts (``heads``) and keywords — all from ``items`` (the report's scope)."""
    words = text.keywords(heads)
    first = items.select_related("source", "source__tier") \
        .order_by(eventpage.item_time(), "id").first()
    shown = [h.item_id for h in heads[:EVENT_POSTS]]
    loaded = items.select_related("source", "source__tier").in_bulk(shown)
    tones = _tones([*shown, *([first.pk] if first else [])])
    return EventPart(
        id=event.pk, title=event.title, url=public_url(f"/events/{event.pk}/"), trend=trend,
        negative=negative, heat=round(event.heat, 1), risk=round(event.risk, 1),
        first_seen=timezone.localtime(event.first_seen),
        last_seen=timezone.localtime(event.last_seen),
        first_report=doc.post(first, tones.get(first.pk, "")) if first else None,
        summary=[doc.quote(s) for s in text.summary(heads, SUMMARY_SENTENCES, words)],
        posts=[doc.post(loaded[pk], tones.get(pk, "")) for pk in shown if pk in loaded],
        keywords=[w for w, _score in words[:EVENT_KEYWORDS]])


def draft_sources(part: EventPart) -> list[drafting.Source]:
    """What a model may draft an event's paragraph from: the texts the report shows for it
    (summary quotes, first report, representative posts), each citing its item."""
    shown: list[Quote | Post] = [*part.summary, *filter(None, [part.first_report]), *part.posts]
    sources: dict[str, drafting.Source] = {}
    for s in shown:
        sources.setdefault(s.text, s)
    return list(sources.values())[:drafting.MAX_SOURCES]


def add_drafts(doc: Document, drafter: drafting.Drafter) -> None:
    """Let ``drafter`` draft each event's paragraph. The sources are texts the report cites
    already, so :attr:`Document.cited` stays as it is."""
    for part in doc.events:
        part.draft = drafter.draft(part.title, draft_sources(part))


def _shares(rows: list[tuple[str, int]], whole: int) -> list[Share]:
    return [Share(label, n, round(100 * n / whole, 1) if whole else 0.0) for label, n in rows]


def _sources(doc: Document, scope: Scope, period: Period) -> None:
    """Items per tier and the busiest sources in the period."""
    hours = SourceHour.objects.filter(scope.q(), hour__gte=period.start, hour__lt=period.end)
    whole = hours.aggregate(n=Sum("items"))["n"] or 0
    tiers = hours.values_list("source__tier__name", "source__tier__rank") \
        .annotate(n=Sum("items")).order_by("source__tier__rank")
    doc.tiers = _shares([(name or "—", n) for name, _rank, n in tiers if n], whole)
    busiest = hours.values_list("source__name").annotate(n=Sum("items")) \
        .order_by("-n", "source__name")[:10]
    doc.top_sources = _shares([(name, n) for name, n in busiest if n], whole)


def _case_line(case: Case) -> CaseLine:
    return CaseLine(case.number, case.title, f"{case.level.roman} {case.level.name}",
                    case.get_status_display(), case.unit.name,
                    timezone.localtime(case.opened_at), public_url(f"/cases/{case.pk}/"))


def _cases(doc: Document, scope: Scope, period: Period) -> None:
    """Cases of the scope opened in the period, or opened before and still not resolved."""
    found = Case.objects.filter(Q(opened_at__gte=period.start, opened_at__lt=period.end)
                                | Q(resolved_at__isnull=True, opened_at__lt=period.end))
    if scope.unit_ids is not None:
        found = found.filter(Q(unit_id__in=scope.unit_ids)
                             | Q(opened_unit_id__in=scope.unit_ids))
    doc.cases = [_case_line(c) for c in found.select_related("level", "unit")
                 .order_by("opened_at", "id")[:30]]


def periodic(doc: Document, scope: Scope, period: Period, top: int) -> Document:
    """Daily and weekly reports: the scope's figures for the period and its top events."""
    data = figures.volume(scope, period)
    previous, _negative = figures.total(scope, period.previous())
    doc.totals = Totals(data.total, data.negative, data.by_tone.get(Tone.NEUTRAL, 0),
                        data.by_tone.get(Tone.POSITIVE, 0), previous,
                        Trend(data.total, previous))
    doc.platforms = _shares(sorted(((figures.platform_label(p), n)
                                    for p, n in data.by_platform.items()),
                                   key=lambda pn: (-pn[1], pn[0])), data.total)
    doc.provinces, doc.cities = figures.regions(scope, period)
    _sources(doc, scope, period)
    items = Item.objects.filter(scope.q())
    all_heads: list[text.Head] = []
    for row in figures.top_events(scope, period, top):
        of_event = items.filter(analysis__event=row.event)
        heads = eventpage.heads(row.event, of_event)
        doc.events.append(event_part(doc, row.event, of_event, heads, row.trend, row.negative))
        all_heads += heads[:10]
    doc.keywords = [w for w, _s in text.keywords(all_heads, 12)]
    doc.schemes = [(r.scheme.name, r.trend) for r in figures.schemes(scope, period)
                   if r.trend.current]
    _cases(doc, scope, period)
    doc.charts = {spec.key: spec for spec in (
        figures.platform_chart(data), figures.tone_chart(data),
        figures.tone_share_chart(data.by_tone),
        figures.region_chart(doc.cities or doc.provinces, "regions", ""))}
    first = timezone.localtime(period.start).date()
    doc.items_url = public_url(f"/items/?date_from={first:%Y-%m-%d}"
                               f"&date_to={doc.period_last_day:%Y-%m-%d}")
    return doc


def about_event(doc: Document, scope: Scope, event: Event, full: bool) -> Document:
    """Flash (``full=False``) and analysis reports: one event, as seen from the scope."""
    visible = Item.objects.filter(scope.q())
    items = visible.filter(analysis__event=event)
    counts = ItemAnalysis.objects.filter(event=event, item__in=items).aggregate(
        n=Count("item_id"), negative=Count("item_id", filter=Q(tone=Tone.NEGATIVE)))
    doc.event = event_part(doc, event, items, eventpage.heads(event, items),
                           Trend(counts["n"], 0), counts["negative"])
    doc.events = [doc.event]
    doc.keywords = doc.event.keywords
    doc.charts = eventpage.curves(event)
    for mark in eventpage.timeline(event, items):
        doc.timeline.append((timezone.localtime(mark.time), mark.text,
                             doc.post(mark.item) if mark.item else None))
    doc.tiers = _shares([(row.source.tier.name if row.source.tier else "—", row.items)
                         for row in eventpage.key_sources(items)], counts["n"])
    if full:
        doc.cities = eventpage.regions(event, items)
        doc.charts["regions"] = figures.region_chart(doc.cities, "regions", "")

        def flatten(nodes: list[eventpage.RepostNode], depth: int) -> None:
            for node in nodes:
                doc.cascades.append((depth, doc.post(node.item) if node.item else None,
                                     node.reposts))
                flatten(node.children, depth + 1)

        flatten(eventpage.repost_tree(items, visible), 0)
        doc.rumours = [(m.debunk.claim, m.debunk.get_verdict_display(), doc.post(m.item))
                       for m in eventpage.rumours(items)[:10]]
        cases = Case.objects.filter(linked_events__event=event)
        if scope.unit_ids is not None:
            cases = cases.filter(Q(unit_id__in=scope.unit_ids)
                                 | Q(opened_unit_id__in=scope.unit_ids))
        doc.cases = [_case_line(c) for c in cases.select_related("level", "unit")
                     .distinct().order_by("opened_at", "id")[:30]]
    return doc


def title_for(kind: str, scope: Scope, event: Event | None, last_day: date) -> str:
    """The report's name in lists and notifications (the document has its own heading)."""
    return _("%(unit)s · %(kind)s · %(subject)s") % {
        "unit": scope.label, "kind": Kind(kind).label,
        "subject": event.title[:120] if event is not None else f"{last_day:%Y-%m-%d}"}

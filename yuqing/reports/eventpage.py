"""What the event page shows beyond the event's own figures: timeline, volume and tone
curves, key sources by tier, keywords, regional spread, repost tree, related cases and rumour
matches. The event analysis and flash reports use the same functions.

``items`` is always the event's items the reader may see (their unit subtree, or a report's
scope): aggregate curves come from the event's hourly counts, which are about public posts,
but every post named or linked comes from ``items``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from yuqing.analysis.models import Burst, Event, EventHour, ItemAnalysis, Story, Tone
from yuqing.analysis.region import region_name
from yuqing.cases.api import linked_cases
from yuqing.cases.models import Case
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.reports import text
from yuqing.reports.charts import TONE_COLORS, ChartSpec, Series
from yuqing.reports.figures import TONES, Period, RegionRow, region_chart
from yuqing.rumours.api import matches_for
from yuqing.rumours.models import RumourMatch

HOUR = timedelta(hours=1)
KEY_SOURCES = 12
#: Story heads read for keywords and summaries (largest stories first).
HEADS = 50
KEYWORDS = 15
#: Repost tree: this many reposts read at most, this many top posts, children and levels shown.
TREE_EDGES = 5000
TREE_ROOTS = 5
TREE_CHILDREN = 8
TREE_DEPTH = 4
RUMOUR_ITEMS = 500


def visible_items(user: User) -> QuerySet[Item]:
    return Item.objects.filter(unit_filter(user))


def item_time() -> Coalesce:
    return Coalesce("published_at", "collected_at")


@dataclass(frozen=True)
class Milestone:
    time: datetime
    #: "first", "tier", "burst", "peak" or "latest"
    kind: str
    text: str
    item: Item | None = None


@dataclass(frozen=True)
class SourceRow:
    source: Source
    items: int
    first: datetime


@dataclass
class RepostNode:
    #: ``None``: a post the reader may not see.
    item: Item | None
    children: list[RepostNode] = field(default_factory=list)
    #: Reposts below this one, all levels.
    reposts: int = 0
    #: Direct reposts not shown (beyond :data:`TREE_CHILDREN`).
    hidden: int = 0


@dataclass
class EventInsight:
    timeline: list[Milestone]
    charts: dict[str, ChartSpec]
    key_sources: list[SourceRow]
    keywords: list[tuple[str, float]]
    regions: list[RegionRow]
    repost_tree: list[RepostNode]
    #: ``None``: the reader may not see cases / rumour matches.
    cases: list[Case] | None
    rumours: list[RumourMatch] | None
    #: The reader may generate reports (links to a flash report and an analysis report).
    can_report: bool = False


def period_of(event: Event) -> Period:
    start = event.first_seen.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end = event.last_seen.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + HOUR
    return Period(start, max(end, start + HOUR))


def curves(event: Event) -> dict[str, ChartSpec]:
    """Volume and tone over the event's life: per hour up to three days, else per day."""
    period = period_of(event)
    buckets = period.buckets()
    totals: dict[datetime, dict[str, int]] = {}
    for hour, items, negative, neutral, positive in EventHour.objects.filter(
            event=event).values_list("hour", "items", "negative", "neutral", "positive"):
        counts = totals.setdefault(period.bucket_of(hour), dict.fromkeys(("items", *TONES), 0))
        for key, n in zip(("items", *TONES), (items, negative, neutral, positive), strict=True):
            counts[key] += n
    labels = [label for _b, label in buckets]
    empty: dict[str, int] = {}
    return {
        "event_volume": ChartSpec(
            "event_volume", _("Volume"), "line", labels,
            [Series(_("items"), [totals.get(b, empty).get("items", 0) for b, _l in buckets],
                    "#1d5fb8")], unit=_("items")),
        "event_tone": ChartSpec(
            "event_tone", _("Tone over time"), "stacked", labels,
            [Series(str(t.label), [totals.get(b, empty).get(t, 0) for b, _l in buckets],
                    TONE_COLORS[t]) for t in TONES], unit=_("items")),
    }


def key_sources(items: QuerySet[Item]) -> list[SourceRow]:
    """Sources of the event's posts, most authoritative tier first, then most posts."""
    rows = list(items.values("source_id").annotate(n=Count("id"), first=Min(item_time()))
                .order_by())
    sources = Source.objects.select_related("tier").in_bulk([r["source_id"] for r in rows])
    found = [SourceRow(sources[r["source_id"]], r["n"], r["first"]) for r in rows]
    found.sort(key=lambda s: (s.source.tier.rank if s.source.tier else 99, -s.items, s.first,
                              s.source.pk))
    return found[:KEY_SOURCES]


def heads(event: Event, items: QuerySet[Item], limit: int = HEADS) -> list[text.Head]:
    """The visible heads of the event's largest stories, largest first."""
    stories = list(Story.objects.filter(event=event).order_by("-items", "id")
                   .values_list("id", "items")[:limit])
    texts = {pk: f"{title}\n{body}" if title and not body.startswith(title) else body or title
             for pk, title, body in items.filter(pk__in=[s for s, _n in stories])
             .values_list("pk", "title", "text")}
    return [text.Head(pk, texts[pk], n) for pk, n in stories if pk in texts]


def timeline(event: Event, items: QuerySet[Item]) -> list[Milestone]:
    """First report, first report of each tier, bursts, the peak hour, the latest post."""
    ordered = items.select_related("source", "source__tier").order_by(item_time(), "id")
    marks: list[Milestone] = []
    first = ordered.first()
    if first is not None:
        marks.append(Milestone(first.published_at or first.collected_at, "first",
                               _("First report, by %(source)s") % {"source": first.source.name},
                               first))
    tiers = CredibilityTier.objects.filter(pk__in=items.values("source__tier")).order_by("rank")
    for tier in tiers:
        earliest = ordered.filter(source__tier=tier).first()
        if earliest is not None and earliest != first:
            marks.append(Milestone(earliest.published_at or earliest.collected_at, "tier",
                                   _("First report from %(tier)s: %(source)s") % {
                                       "tier": tier.name, "source": earliest.source.name},
                                   earliest))
    for burst in Burst.objects.filter(subject=Burst.Subject.EVENT, subject_id=event.pk) \
            .order_by("window_end")[:10]:
        marks.append(Milestone(burst.window_end, "burst", burst.reason()))
    peak = EventHour.objects.filter(event=event).order_by("-items", "hour").first()
    if peak is not None:
        marks.append(Milestone(peak.hour, "peak", _("Busiest hour: %(n)d items") % {
            "n": peak.items}))
    last = ordered.reverse().first()
    if last is not None and last != first:
        marks.append(Milestone(last.published_at or last.collected_at, "latest",
                               _("Latest post, by %(source)s") % {"source": last.source.name},
                               last))
    return sorted(marks, key=lambda m: (m.time, m.kind))


def regions(event: Event, items: QuerySet[Item], limit: int = 10) -> list[RegionRow]:
    """Cities (else provinces) the event's posts are about, most first."""
    rows = (ItemAnalysis.objects.filter(event=event, item__in=items).exclude(province="")
            .values_list("province", "city")
            .annotate(n=Count("item_id"), neg=Count("item_id", filter=Q(tone=Tone.NEGATIVE)))
            .order_by("-n", "province", "city"))
    return [RegionRow(city or province, region_name(province, city), n, neg)
            for province, city, n, neg in rows[:limit]]


def _cascade_sizes(children: dict[int, list[int]]) -> dict[int, int]:
    """Reposts below each post, all levels (iterative: a cascade can be thousands deep; a
    cycle in bad parent links is cut rather than followed forever)."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    for top in children:
        stack = [top]
        while stack:
            node = stack[-1]
            if node in sizes:
                stack.pop()
                continue
            if node not in entered:
                entered.add(node)
                stack.extend(c for c in children.get(node, []) if c not in entered)
                continue
            stack.pop()
            sizes[node] = sum(1 + sizes.get(c, 0) for c in children.get(node, []))
    return sizes


def repost_tree(items: QuerySet[Item], visible: QuerySet[Item]) -> list[RepostNode]:
    """Who reposted whom among the event's posts, largest cascades first.

    A cascade's top post may lie outside the event, or in a unit the reader cannot see (then
    it is shown as such, without its text).
    """
    edges = list(items.filter(parent__isnull=False).order_by("id")
                 .values_list("id", "parent_id")[:TREE_EDGES])
    children: dict[int, list[int]] = {}
    for child, parent in edges:
        children.setdefault(parent, []).append(child)
    sizes = _cascade_sizes(children)
    reposted = {child for child, _p in edges}
    roots = sorted((p for p in children if p not in reposted), key=lambda p: (-sizes[p], p))
    shown: list[tuple[int, int]] = []

    def ranked(pk: int) -> list[int]:
        return sorted(children.get(pk, []), key=lambda c: (-sizes.get(c, 0), c))

    def walk(pk: int, depth: int) -> None:
        shown.append((pk, depth))
        if depth + 1 < TREE_DEPTH:
            for child in ranked(pk)[:TREE_CHILDREN]:
                walk(child, depth + 1)

    for root in roots[:TREE_ROOTS]:
        walk(root, 0)
    loaded = visible.filter(pk__in=[pk for pk, _d in shown]) \
        .select_related("source", "source__tier").in_bulk()

    def node(pk: int, depth: int) -> RepostNode:
        kids = ranked(pk)
        made = RepostNode(loaded.get(pk), reposts=sizes.get(pk, 0),
                          hidden=max(0, len(kids) - TREE_CHILDREN))
        if depth + 1 < TREE_DEPTH:
            made.children = [node(c, depth + 1) for c in kids[:TREE_CHILDREN]]
        return made

    return [node(r, 0) for r in roots[:TREE_ROOTS]]


def rumours(items: QuerySet[Item]) -> list[RumourMatch]:
    """Rumour matches of the event's posts (false or misleading claims), best first."""
    matched = list(RumourMatch.objects.filter(item__in=items).order_by("item_id")
                   .values_list("item_id", flat=True).distinct()[:RUMOUR_ITEMS])
    found = [m for ms in matches_for(matched).values() for m in ms]
    return sorted(found, key=lambda m: (-m.score, m.pk))


def insight(user: User, event: Event) -> EventInsight:
    """Everything the event page adds to the event's own figures, for ``user``."""
    visible = visible_items(user)
    items = visible.filter(analysis__event=event)
    places = regions(event, items)
    charts = curves(event)
    charts["event_regions"] = region_chart(places, "event_regions", _("Regions mentioned"))
    return EventInsight(
        timeline=timeline(event, items),
        charts=charts,
        key_sources=key_sources(items),
        keywords=text.keywords(heads(event, items), KEYWORDS),
        regions=places,
        repost_tree=repost_tree(items, visible),
        cases=list(linked_cases(user, event=event.pk)[:20])
        if user.has_role_perm("cases.view") else None,
        rumours=rumours(items) if user.has_role_perm("rumours.view") else None,
        can_report=user.has_role_perm("reports.generate"),
    )

"""What a scheme would have matched in the last 7 days, shown when it is saved or tried.

The scheme is compiled on its own and the unit's recent items (newest first, capped by
``YUQING_SCHEME_PREVIEW_ITEMS``) are run through it, with the same fields the live matcher
sees — title, text, platform, tier, region and tone from the item's analysis — so the preview
is what the alerts would have been, not an approximation by a database search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.safestring import SafeString

from yuqing.alerts import conf
from yuqing.alerts.display import highlight_around
from yuqing.alerts.matching import spans_json
from yuqing.analysis.region import region_name
from yuqing.collect.models import Item
from yuqing.orgs.models import Unit
from yuqing.search.query import Doc, Node, compile_schemes

DAYS = 7
#: Matches listed (the count covers all).
SHOWN = 50


@dataclass(frozen=True)
class PreviewHit:
    item_id: int
    time: datetime | None
    platform: str
    source: str
    title: SafeString
    text: SafeString
    terms: tuple[str, ...]


@dataclass
class Preview:
    scanned: int = 0
    matched: int = 0
    #: The cap was reached: older items of the 7 days were not scanned.
    capped: bool = False
    hits: list[PreviewHit] = field(default_factory=list)
    days: int = DAYS


def preview(tree: Node, unit: Unit, now: datetime) -> Preview:
    """Run ``tree`` over the recent items of ``unit`` and the units below it."""
    limit = conf.preview_items()
    since = now - timedelta(days=DAYS)
    rows = list(
        Item.objects.filter(unit_id__in=unit.subtree().values("id"))
        .filter(Q(published_at__gte=since)
                | Q(published_at__isnull=True, collected_at__gte=since))
        .order_by("-published_at", "-id")
        .values_list("id", "title", "text", "platform", "source__tier__code", "source__name",
                     "analysis__province", "analysis__city", "analysis__district",
                     "analysis__tone", "published_at", "collected_at")[:limit])
    matcher = compile_schemes({0: tree})
    result = Preview(scanned=len(rows), capped=len(rows) >= limit)
    for (pk, title, text, platform, tier, source, province, city, district, tone, published,
         collected) in rows:
        region = region_name(province, city, district) if province else ""
        hits = matcher.match(Doc(title=title, text=text, platform=platform, tier=tier or "",
                                 region=region, tone=tone or ""))
        if not hits:
            continue
        result.matched += 1
        if len(result.hits) < SHOWN:
            spans = spans_json(hits[0])
            result.hits.append(PreviewHit(
                pk, published or collected, platform, source,
                highlight_around(title, spans, "title"), highlight_around(text, spans, "text"),
                hits[0].terms))
    return result

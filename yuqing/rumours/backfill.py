"""Check items already analysed against entries added since: a scheduled job.

Platforms publish a debunk after the rumour has spread, so an entry imported today concerns
posts collected over the past days; the after-analysis hook only sees items as they arrive.
This job takes the entries never checked (``backfilled_at`` empty: new, or whose claim was
edited), matches the items analysed within ``YUQING_RUMOUR_BACKFILL_DAYS`` against an index of
those entries only, and marks them checked. Items are read in id order, in chunks, so memory
stays flat; an interrupted run leaves the entries unmarked and the next run repeats it without
duplicating a match (matches are unique per item and entry).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from yuqing.analysis.models import ItemAnalysis
from yuqing.rumours import conf, engine, hook
from yuqing.rumours.matching.passages import item_content
from yuqing.rumours.models import Debunk

#: Entries checked per run, and items per chunk.
ENTRIES_PER_RUN = 500
CHUNK = 2000


def backfill() -> int:
    """Run once; returns how many matches were created."""
    pending = list(Debunk.objects.filter(backfilled_at__isnull=True)
                   .order_by("id").values_list("id", "active")[:ENTRIES_PER_RUN])
    if not pending:
        return 0
    started = timezone.now()
    days = conf.current().backfill_days
    active = [pk for pk, is_active in pending if is_active]
    created = 0
    if days and active:
        index = engine.index_for(active)
        since = started - timedelta(days=days)
        recent = (ItemAnalysis.objects.filter(Q(item__published_at__gte=since)
                                              | Q(item__published_at__isnull=True,
                                                  item__collected_at__gte=since))
                  .order_by("item_id"))
        last = 0
        while True:
            rows = list(recent.filter(item_id__gt=last).values_list(
                "item_id", "story_id", "item__title", "item__text", "item__published_at",
                "item__collected_at")[:CHUNK])
            if not rows:
                break
            last = rows[-1][0]
            contents = [item_content(title, text) for _i, _s, title, text, _p, _c in rows]
            days_of = [(published or collected).date().toordinal()
                       for *_rest, published, collected in rows]
            found = index.match(contents, days_of)
            created += hook.store(
                [(item, story, candidates, content) for (item, story, *_), candidates, content
                 in zip(rows, found, contents, strict=True) if candidates],
                replace_pending=False)
    # An entry edited during the run (its claim changed) stays due for the next one.
    Debunk.objects.filter(id__in=[pk for pk, _active in pending], backfilled_at__isnull=True,
                          updated_at__lte=started).update(backfilled_at=started)
    return created

"""What other apps use: the rumour matches of items (alert rules, case pages)."""

from __future__ import annotations

from collections.abc import Iterable

from yuqing.rumours.models import RUMOUR_VERDICTS, RumourMatch


def matches_for(item_ids: Iterable[int]) -> dict[int, list[RumourMatch]]:
    """Pending or confirmed matches of these items with entries whose verdict is false or
    misleading, best first, with ``debunk`` loaded; items without any are absent.

    A match with a true or unproven claim is context, not a rumour, and a rejected one is not a
    match: neither is returned. ``match.refutes`` tells a post refuting the claim (a debunk
    being shared) from one repeating it.
    """
    ids = list(set(item_ids))
    out: dict[int, list[RumourMatch]] = {}
    if not ids:
        return out
    matches = (RumourMatch.objects.filter(item_id__in=ids, debunk__verdict__in=RUMOUR_VERDICTS)
               .exclude(status=RumourMatch.Status.REJECTED)
               .select_related("debunk").order_by("item_id", "-score", "id"))
    for match in matches:
        out.setdefault(match.item_id, []).append(match)
    return out

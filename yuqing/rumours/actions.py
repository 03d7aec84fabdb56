"""What analysts do with matches: confirm or reject, and what the matcher learns from it.

Confirming teaches the matcher the post's wording (the sentences holding the shared passages
become a :class:`~yuqing.rumours.models.Variant` of the entry's claim), so later posts worded
like it are found even where they share little with the platform's phrasing. Rejecting records
the post's story (it and its copies and reposts) as not being about the entry: none of its items
is matched with the entry again. A decision covers the pending matches of the same story with
the same entry that the analyst may see — copies of one post need one look, not a hundred.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from yuqing.analysis.models import ItemAnalysis
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.orgs.models import User
from yuqing.orgs.scope import unit_filter
from yuqing.rumours.matching.passages import item_content
from yuqing.rumours.matching.wording import matching_form
from yuqing.rumours.models import Rejection, RumourMatch, Variant

#: Longest wording learnt from a confirmed post; passages spread wider are not one wording.
MAX_WORDING = 200
_SENTENCE_END = re.compile(r"[。！？!?；;\n#【】]")


def wording_from(content: str, passages: list[list[int]]) -> str:
    """The sentences of ``content`` that hold the shared passages ("" if too long)."""
    if not passages:
        return ""
    start, end = min(p[0] for p in passages), max(p[1] for p in passages)
    before = [m.end() for m in _SENTENCE_END.finditer(content, 0, start)]
    after = _SENTENCE_END.search(content, end)
    text = content[before[-1] if before else 0:after.start() if after else len(content)]
    text = " ".join(text.split())
    return text if 0 < len(text) <= MAX_WORDING else ""


def _story(item_id: int) -> int:
    """The story an item belongs to (an unanalysed item is a story of its own)."""
    story = ItemAnalysis.objects.filter(item_id=item_id).values_list("story_id", flat=True)
    return story.first() or item_id


def _learn(match: RumourMatch, content: str) -> None:
    text = wording_from(content, match.passages)
    if not text or matching_form(text) == matching_form(match.debunk.claim):
        return
    Variant.objects.get_or_create(debunk=match.debunk, text=text, defaults={"match": match})


@transaction.atomic
def review(user: User, match: RumourMatch, status: str) -> int:
    """Set ``match`` (and the same story's pending matches with its entry) to ``status``;
    returns how many matches changed."""
    if status not in (RumourMatch.Status.CONFIRMED, RumourMatch.Status.REJECTED):
        raise ValueError(f"not a review decision: {status!r}")
    now = timezone.now()
    story = _story(match.item_id)
    if status == RumourMatch.Status.CONFIRMED:
        Rejection.objects.filter(debunk=match.debunk, story_id=story).delete()
        _learn(match, item_content(match.item.title, match.item.text))
    else:
        Variant.objects.filter(match=match).delete()
        Rejection.objects.get_or_create(debunk=match.debunk, story_id=story)
    match.status, match.reviewed_by, match.reviewed_at = status, user, now
    match.save(update_fields=["status", "reviewed_by", "reviewed_at"])  # audited by signal
    copies = (RumourMatch.objects.filter(unit_filter(user, "item__unit"))
              .filter(debunk=match.debunk, status=RumourMatch.Status.PENDING,
                      item_id__in=ItemAnalysis.objects.filter(story_id=story)
                      .values("item_id"))
              .exclude(pk=match.pk))
    others = copies.update(status=status, reviewed_by=user, reviewed_at=now)
    if others:
        record(Action.UPDATE, model="rumours.RumourMatch", details={
            "status": status, "matches": others, "story": story, "debunk": match.debunk_id,
            "same_story_as": match.pk})
    return 1 + others

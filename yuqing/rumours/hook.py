"""Match every analysed batch against the debunk base, inside the batch's transaction.

Registered with :func:`yuqing.analysis.hooks.after_analysis`, so the matches of an item exist
as soon as its analysis does, before the alert rules look for them. The cost per batch is one
sparse product and a few queries whatever the batch size: the base's generation, the
rejections of the batch's stories, the batch's existing matches, and an insert (with one audit
entry) when something matched.

Re-analysing an item (its text changed) re-matches it: a match still found is left as it is
(reviewed or not), a pending one no longer found is removed, a reviewed one is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.rumours import engine
from yuqing.rumours.matching.index import Candidate
from yuqing.rumours.matching.passages import find_passages, item_content
from yuqing.rumours.matching.wording import refutes
from yuqing.rumours.models import Rejection, RumourMatch

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch, Record


def _text(record: Record) -> str:
    """The pipeline's normal form (width and compatibility folding) when it exists."""
    return record.norm.text if record.norm is not None else record.content


def _new_match(item_id: int, content: str, candidate: Candidate) -> RumourMatch:
    return RumourMatch(
        item_id=item_id, debunk_id=candidate.debunk, score=round(candidate.score, 4),
        wording=candidate.wording.text,
        passages=find_passages(content, candidate.wording.text), refutes=refutes(content))


def store(found: Sequence[tuple[int, int, Sequence[Candidate], str]], *,
          replace_pending: bool) -> int:
    """Save ``(item id, story id, candidates, content)`` results; returns matches created.

    Rejected stories are honoured; existing rows are never duplicated (unique item + entry).
    With ``replace_pending``, pending matches of these items that were not found again are
    deleted (the items were re-analysed).
    """
    item_ids = [item for item, _story, _candidates, _content in found]
    stories = {story for _item, story, candidates, _content in found if candidates}
    rejected = set(Rejection.objects.filter(story_id__in=stories)
                   .values_list("story_id", "debunk_id")) if stories else set()
    existing = {(item, debunk): (pk, status) for pk, item, debunk, status in
                RumourMatch.objects.filter(item_id__in=item_ids)
                .values_list("id", "item_id", "debunk_id", "status")}
    rows: list[RumourMatch] = []
    kept: set[tuple[int, int]] = set()
    for item, story, candidates, content in found:
        for candidate in candidates:
            if (story, candidate.debunk) in rejected:
                continue
            kept.add((item, candidate.debunk))
            if (item, candidate.debunk) not in existing:
                rows.append(_new_match(item, content, candidate))
    if replace_pending:
        stale = [pk for key, (pk, status) in existing.items()
                 if status == RumourMatch.Status.PENDING and key not in kept]
        if stale:
            RumourMatch.objects.filter(id__in=stale).delete()
    if rows:
        RumourMatch.objects.bulk_create(rows, ignore_conflicts=True)
        record(Action.CREATE, model="rumours.RumourMatch", details={
            "matches": len(rows), "items": len({r.item_id for r in rows})})
    return len(rows)


def match_batch(batch: Batch) -> None:
    """The after-analysis hook."""
    if not batch.records:
        return
    index = engine.current_index()
    if not len(index):
        return
    found = index.match([_text(r) for r in batch.records],
                        [r.time.date().toordinal() for r in batch.records])
    store([(r.id, r.story_id, candidates, item_content(r.title, r.text))
           for r, candidates in zip(batch.records, found, strict=True)], replace_pending=True)

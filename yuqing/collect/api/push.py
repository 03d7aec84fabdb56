"""Store one pushed batch: all of it, or — if any item is invalid — none of it.

All-or-nothing, unlike file imports (which quarantine bad rows and carry on): a pushing
program can fix and resend the whole batch, and a partial write would leave it guessing which
items to resend. Since every write is an upsert on the natural key, resending is always safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from yuqing.audit.context import acting
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.collect.api.errors import ApiError
from yuqing.collect.api.schemas import (
    ErrorDetail,
    ItemResult,
    PushItem,
    PushResponse,
    Status,
)
from yuqing.collect.ingest import pipeline, privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import ApiToken

#: Enough to fix a batch by; a hostile batch could otherwise make the error list huge.
MAX_ERROR_DETAILS = 100


def to_record(item: PushItem, index: int) -> ItemRecord:
    published = item.published_at
    if published is not None and timezone.is_naive(published):
        # Explicitly the configured zone, not whichever one a request may have activated.
        published = timezone.make_aware(published, timezone.get_default_timezone())
    return ItemRecord(
        platform=item.platform.value, kind=item.kind.value, external_id=item.external_id,
        url=item.url, title=item.title, text=item.text, published_at=published,
        likes=item.likes, reposts=item.reposts, comments=item.comments, views=item.views,
        parent_external_id=item.parent_external_id, parent_kind=item.parent_kind.value,
        region=item.region, language=item.language, author_id=item.author_id,
        author_name=item.author_name, raw=privacy.scrub(item.raw), origin=f"items[{index}]",
    )


def _validate(items: Sequence[Any]) -> tuple[list[tuple[int, ItemRecord]], list[ErrorDetail]]:
    records: list[tuple[int, ItemRecord]] = []
    errors: list[ErrorDetail] = []
    for index, data in enumerate(items):
        try:
            item = PushItem.model_validate(data)
        except ValidationError as exc:
            errors.extend(
                ErrorDetail(index=index, path=list(err["loc"]), message=err["msg"],
                            type=err["type"])
                for err in exc.errors(include_url=False, include_input=False)
            )
        else:
            records.append((index, to_record(item, index)))
    return records, errors


def push(token: ApiToken, items: Sequence[Any]) -> PushResponse:
    """Validate and prepare every item, then write them in one transaction with its audit."""
    indexed, errors = _validate(items)
    batch = pipeline.run(pipeline.Batch(source=token.source, records=[r for _, r in indexed]),
                         pipeline.PREPARE)
    index_of = {id(rec): index for index, rec in indexed}
    errors.extend(ErrorDetail(index=index_of[id(rej.record)], message=rej.reason,
                              type="rejected") for rej in batch.rejected)
    if errors:
        errors.sort(key=lambda e: e.index or 0)
        message = (f"{len({e.index for e in errors})} of {len(items)} items are invalid; "
                   "nothing was stored.")
        if len(errors) > MAX_ERROR_DETAILS:
            message += f" The first {MAX_ERROR_DETAILS} of {len(errors)} problems are listed."
        raise ApiError(422, "invalid_items", message, errors[:MAX_ERROR_DETAILS])

    with transaction.atomic():
        batch = pipeline.run(batch, pipeline.WRITE)
        counts = Counter(status for status, _pk in batch.outcome.values())
        with acting("api"):
            record(Action.PUSH, obj=token.source, details={
                "token": token.prefix, "inserted": counts["inserted"],
                "updated": counts["updated"], "unchanged": counts["unchanged"],
            })
    results = []
    for index, rec in indexed:
        status, pk = batch.outcome[rec.natural_key]
        results.append(ItemResult(index=index, status=cast(Status, status), id=pk,
                                  natural_key=rec.natural_key))
    return PushResponse(inserted=counts["inserted"], updated=counts["updated"],
                        unchanged=counts["unchanged"], items=results)

"""The alerts capability's step after each analysed batch, inside the batch's transaction.

Matching and rules run where the item's analysis is written: an item is never analysed
without having been checked, an alert is never raised for an analysis that was rolled back,
and a crashed batch re-runs both together (folding and delivery keys keep that from
duplicating anything). Cost per batch: one compiled-matcher scan per item and a handful of
statements, whatever the number of schemes and rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from yuqing.alerts import firing, rules, schemes
from yuqing.alerts.matching import BatchMatches, match_batch

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch


def after_analysis(batch: Batch) -> None:
    if not batch.records:
        return
    now = timezone.now()
    compiled = schemes.compiled()
    if compiled.schemes:
        with connection.cursor() as cursor:
            matches = match_batch(cursor, batch.records, compiled, now)
    else:
        matches = BatchMatches(compiled, {}, {rec.id: [] for rec in batch.records})
    firing.fire(rules.evaluate(batch, matches), now)

"""How each source is doing, for the source pages, ``yuqing sources`` and alerting.

Status, worst first:

* **failing** — the last run failed, and so did the one before (or no run ever succeeded);
* **silent** — nothing new for longer than the source's expected gap (``silent_after``, else
  twice the longest gap of its schedule, at least a day);
* **degraded** — the last run failed once after earlier successes, or succeeded with errors
  (pages that failed, rows rejected);
* **healthy** — otherwise;
* **pending** — enabled but not run (or, for the push API, never pushed to) yet;
* **disabled**.

:func:`silent_sources` is the event the alerting capability polls: sources that have produced
nothing for longer than their expected gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.collect.connectors import registry
from yuqing.collect.models import (
    ApiToken,
    RunOutcome,
    Source,
    SourceDay,
    SourceKind,
    SourceState,
)
from yuqing.collect.sources import schedule

#: Days averaged for "items per day".
WINDOW_DAYS = 7
#: Silence is only suspected after at least this long.
MIN_GAP = timedelta(days=1)
#: Failed runs in a row that make a source "failing" rather than "degraded".
FAILING_AFTER = 2


class Health(models.TextChoices):
    FAILING = "failing", _("failing")
    SILENT = "silent", _("silent")
    DEGRADED = "degraded", _("degraded")
    HEALTHY = "healthy", _("healthy")
    PENDING = "pending", _("not run yet")
    DISABLED = "disabled", _("disabled")


@dataclass(frozen=True)
class SourceHealth:
    status: Health
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    #: When the source last produced a new item.
    last_item_at: datetime | None
    items_per_day: float
    #: Nothing new for longer than this is "silent"; ``None``: never expected.
    expected_gap: timedelta | None
    next_due: datetime | None
    running: bool
    #: When the source became silent (its last item, or start, plus the gap).
    silent_since: datetime | None = None


@dataclass(frozen=True)
class SilentSource:
    source_id: int
    name: str
    unit_id: int
    kind: str
    #: ``None``: nothing ever arrived (counted from when collection started).
    last_item_at: datetime | None
    expected_gap: timedelta
    silent_since: datetime


def expected_gap(source: Source) -> timedelta | None:
    """How long the source may go without a new item before it counts as silent."""
    if source.silent_after:
        return source.silent_after
    if source.kind == SourceKind.PUSH:
        return MIN_GAP
    if source.kind not in registry.FETCHING:
        return None
    try:
        plan = schedule.parse(source.schedule, source.kind)
    except schedule.ScheduleError:
        plan = schedule.parse("", source.kind)
    return max(2 * plan.longest_gap, MIN_GAP)


def _status(source: Source, state: SourceState | None, baseline: datetime | None,
            gap: timedelta | None, now: datetime) -> Health:
    if not source.enabled:
        return Health.DISABLED
    fetching = source.kind in registry.FETCHING
    if fetching and (state is None or state.last_finished_at is None):
        return Health.PENDING
    if fetching and state is not None and state.last_outcome == RunOutcome.FAILED and (
            state.failures >= FAILING_AFTER or state.last_success_at is None):
        return Health.FAILING
    if baseline is None:
        return Health.PENDING
    if gap is not None and now - baseline > gap:
        return Health.SILENT
    if fetching and state is not None and state.last_outcome in (RunOutcome.FAILED,
                                                                 RunOutcome.PARTIAL):
        return Health.DEGRADED
    return Health.HEALTHY


def health(sources: Iterable[Source], now: datetime | None = None) -> dict[int, SourceHealth]:
    """The health of each of ``sources``, by id, in a handful of queries."""
    now = now or timezone.now()
    by_id = {s.pk: s for s in sources}
    ids = list(by_id)
    states = {s.pk: s for s in SourceState.objects.filter(pk__in=ids)}
    since = timezone.localdate(now) - timedelta(days=WINDOW_DAYS - 1)
    figures: dict[int, dict[str, Any]] = {row["source_id"]: dict(row) for row in (
        SourceDay.objects.filter(source_id__in=ids).values("source_id").annotate(
            first_day=Min("day"), last_item=Max("last_item_at"),
            recent=Sum("items", filter=Q(day__gte=since))))}
    pushed = dict(ApiToken.objects.filter(source_id__in=ids).values("source_id")
                  .annotate(last=Max("last_used_at")).values_list("source_id", "last"))
    result = {}
    for pk, source in by_id.items():
        state = states.get(pk)
        gap = expected_gap(source)
        # Collection started with the first run (or for pushed sources, the first push).
        started = (state.created_at if state is not None and state.last_finished_at
                   else pushed.get(pk))
        row = figures.get(pk, {})
        first_day, last_item = row.get("first_day"), row.get("last_item")
        days_counted = min(WINDOW_DAYS, (timezone.localdate(now) - first_day).days + 1
                           if first_day else WINDOW_DAYS)
        baseline = last_item or started
        status = _status(source, state, baseline, gap, now)
        result[pk] = SourceHealth(
            status=status,
            last_success_at=(state.last_success_at if state is not None else pushed.get(pk)),
            last_error=state.last_error if state is not None else "",
            last_error_at=state.last_error_at if state is not None else None,
            last_item_at=last_item,
            items_per_day=(row.get("recent") or 0) / max(days_counted, 1),
            expected_gap=gap,
            next_due=state.next_due if state is not None else None,
            running=bool(state is not None and state.running_since),
            silent_since=(baseline + gap if status == Health.SILENT and baseline and gap
                          else None),
        )
    return result


def silent_sources(now: datetime | None = None) -> list[SilentSource]:
    """Enabled sources that have produced nothing new for longer than their expected gap."""
    sources = {s.pk: s for s in Source.objects.filter(enabled=True)}
    found = []
    for pk, state in health(sources.values(), now).items():
        if state.status == Health.SILENT and state.silent_since and state.expected_gap:
            source = sources[pk]
            found.append(SilentSource(pk, source.name, source.unit_id, source.kind,
                                      state.last_item_at, state.expected_gap,
                                      state.silent_since))
    return found

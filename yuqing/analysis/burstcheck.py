"""Bursts of many subjects at once (events, schemes), read from their hourly-count table.

The pipeline checks every event (and the alerts hook every scheme) that a batch touched, in
every batch, so the reads must not grow with a subject's history. Two reads per batch:

1. the last :data:`~yuqing.analysis.bursts.RECENT` hours of every subject, hour by hour, which
   decide the short rules and each long rule's observed count;
2. for a long rule, and only for the subjects whose observed count reaches its minimum (below
   it the rule cannot fire, whatever the baseline), the baseline's *total*, summed by the
   database: the test uses the baseline's mean alone.

Reading the 15-day baseline hour by hour for every busy event grew to most of the save stage
at 300k items (34 µs per item, against 5 at 30k).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.backends.utils import CursorWrapper

from yuqing.analysis import bursts
from yuqing.analysis.models import Burst
from yuqing.analysis.sql import aware, placeholders, q, select_in, table, when

__all__ = ["measure_all", "store"]


def _recent(cursor: CursorWrapper, hours: type[Any], key: str, subjects: Sequence[int],
            start: datetime) -> dict[int, dict[datetime, int]]:
    series: dict[int, dict[datetime, int]] = defaultdict(dict)
    for subject, hour, items in select_in(
            cursor, f"SELECT {q(key)}, {q('hour')}, {q('items')} FROM {table(hours)} "
                    f"WHERE {q('hour')} >= %s AND {q(key)} IN ", subjects, [when(start)]):
        series[subject][aware(hour)] = items
    return series


def _totals(cursor: CursorWrapper, hours: type[Any], key: str, subjects: Sequence[int],
            start: datetime, end: datetime) -> dict[int, int]:
    return {subject: int(total) for subject, total in select_in(
        cursor, f"SELECT {q(key)}, SUM({q('items')}) FROM {table(hours)} "
                f"WHERE {q('hour')} >= %s AND {q('hour')} < %s AND {q(key)} IN ",
        subjects, [when(start), when(end)], suffix=f" GROUP BY {q(key)}")}


def measure_all(cursor: CursorWrapper, hours: type[Any], key: str,
                latest: Mapping[int, datetime]) -> dict[int, list[bursts.Finding]]:
    """Every rule's finding for each subject of ``latest`` (subject id → its latest hour),
    except long rules the subject's count cannot fire. ``hours`` is the model of the hourly
    counts (columns ``key``, ``hour``, ``items``)."""
    found: dict[int, list[bursts.Finding]] = defaultdict(list)
    if not latest:
        return found
    subjects = sorted(latest)
    recent = _recent(cursor, hours, key, subjects,
                     min(latest.values()) + bursts.HOUR - bursts.RECENT)
    #: (rule, latest hour) → subject → observed count, for the baselines to sum.
    waiting: dict[tuple[bursts.Rule, datetime], dict[int, int]] = defaultdict(dict)
    for subject in subjects:
        hourly, last = recent.get(subject, {}), latest[subject]
        for rule in bursts.RULES:
            if bursts.span(rule) <= bursts.RECENT:
                found[subject].append(bursts.measure(hourly, last, rule))
                continue
            seen = bursts.observed(hourly, last, rule)
            if seen >= rule.min_count:
                waiting[(rule, last)][subject] = seen
    for (rule, last), seen_by in waiting.items():
        totals = _totals(cursor, hours, key, sorted(seen_by), *bursts.baseline_window(rule, last))
        for subject, seen in seen_by.items():
            found[subject].append(bursts.judge(rule, last, seen, totals.get(subject, 0)))
    return found


def store(cursor: CursorWrapper, subject: Burst.Subject,
          found: Sequence[tuple[int, bursts.Finding]], now: datetime) -> None:
    """Upsert bursts of ``subject`` kind (subject id, finding): a window measured again keeps
    its row and its first ``detected_at``, with the latest figures."""
    if not found:
        return
    columns = ("subject", "subject_id", "rule", "window_start", "window_end", "observed",
               "baseline_mean", "baseline_periods", "p_value", "ratio", "detected_at")
    keep = ("subject", "subject_id", "rule", "window_end", "detected_at")
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns if c not in keep)
    cursor.executemany(
        f"INSERT INTO {table(Burst)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES {placeholders(len(columns))} ON CONFLICT ({q('subject')}, "
        f"{q('subject_id')}, {q('rule')}, {q('window_end')}) DO UPDATE SET {updates}",
        [[subject.value, pk, f.rule.code, when(f.window_start), when(f.window_end), f.observed,
          f.baseline_mean, f.rule.baseline_periods, f.p_value, f.ratio, when(now)]
         for pk, f in found])

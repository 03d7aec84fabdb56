"""Missed deadlines: marked once each, written on the timeline and escalated.

A scheduler job (in a thread, or on a Celery worker) calls :func:`escalate_overdue`. Each
missed deadline is claimed with a conditional UPDATE on its ``…_breached_at`` column, so two
workers running the job at once escalate it exactly once; the claim, the timeline entry and
the queued notifications commit together.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from yuqing.cases import notices
from yuqing.cases.models import ActionKind, Case, CaseAction, Status

#: (due field, met field, breach field) of each deadline.
DEADLINES = (
    ("respond_due", "responded_at", "respond_breached_at"),
    ("resolve_due", "resolved_at", "resolve_breached_at"),
)


def escalate_overdue(now: datetime | None = None) -> int:
    """Mark and escalate every deadline missed since the last run; returns how many."""
    now = now or timezone.now()
    escalated = 0
    for due, met, breached in DEADLINES:
        late = (Case.objects.exclude(status=Status.ARCHIVED)
                .filter(**{f"{due}__lt": now, f"{met}__isnull": True,
                           f"{breached}__isnull": True})
                .values_list("pk", flat=True))
        for pk in list(late):
            with transaction.atomic():
                claimed = Case.objects.filter(pk=pk, **{f"{breached}__isnull": True}).update(
                    **{breached: now})
                if not claimed:
                    continue
                case = Case.objects.select_related("unit", "unit__parent", "level",
                                                   "assignee").get(pk=pk)
                CaseAction.objects.create(case=case, kind=ActionKind.OVERDUE, at=now,
                                          details={"deadline": due,
                                                   "due": getattr(case, due).isoformat()})
                notices.overdue(case, due, now)
                escalated += 1
    return escalated

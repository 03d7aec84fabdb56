"""Periodic work of the alerts capability (registered with the scheduler in ``apps.py``).

Each job takes no arguments and keeps its state in the database, so the same functions can
run on a Celery worker; each alert is claimed with a conditional UPDATE inside the
transaction that queues its message, so two processes never deliver or escalate one alert
twice, and a crash between the two leaves neither done.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.firing import Firing, fire, message, queue_messages
from yuqing.alerts.models import Alert, AlertRule
from yuqing.collect.sources.health import silent_sources
from yuqing.notify.api import notify
from yuqing.orgs.models import Unit

logger = logging.getLogger(__name__)

DELIVER_EVERY = timedelta(seconds=30)
ESCALATE_EVERY = timedelta(seconds=30)
SILENT_EVERY = timedelta(minutes=5)


def deliver_due(now: datetime | None = None) -> int:
    """Deliver alerts held back by quiet hours whose hours are over; returns how many."""
    now = now or timezone.now()
    due = list(Alert.objects.filter(delivered_at__isnull=True, deliver_after__lte=now)
               .select_related("unit").order_by("deliver_after", "id"))
    sent = 0
    for alert in due:
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, delivered_at__isnull=True).update(
                    delivered_at=now) != 1:
                continue  # another process took it
            alert.refresh_from_db(fields=["count", "reason", "item", "event"])
            queue_messages([alert])
            sent += 1
    return sent


def escalate(now: datetime | None = None) -> int:
    """Alerts left unacknowledged longer than their rule allows: marked escalated, and the
    parent unit's channels told (the unit's own, with a higher severity, at the top)."""
    now = now or timezone.now()
    candidates = (Alert.objects.filter(acknowledged_at__isnull=True, escalated_at__isnull=True,
                                       delivered_at__isnull=False,
                                       rule__escalate_after__isnull=False)
                  .select_related("rule", "unit", "unit__parent"))
    escalated = 0
    for alert in candidates:
        assert alert.rule is not None and alert.delivered_at is not None
        if alert.delivered_at + timedelta(minutes=alert.rule.escalate_after or 0) > now:
            continue
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True,
                                    escalated_at__isnull=True).update(escalated_at=now) != 1:
                continue
            alert.escalated_at = now
            notify(alert.unit.parent or alert.unit, message(alert, escalated=True))
            escalated += 1
    return escalated


def duration(span: timedelta) -> str:
    """``3 d 4 h``, ``5 h 10 min``, ``12 min``: how long, as a person says it."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


def check_silent_sources(now: datetime | None = None) -> int:
    """Raise (or keep open) an alert for each silent source under a "silent" rule's unit;
    one alert per silence, however many checks see it. Returns how many alerts were raised."""
    now = now or timezone.now()
    rules = list(AlertRule.objects.filter(enabled=True, kind=AlertRule.Kind.SILENT)
                 .select_related("unit"))
    if not rules:
        return 0
    silent = silent_sources(now)
    paths = dict(Unit.objects.filter(pk__in={s.unit_id for s in silent})
                 .values_list("id", "path"))
    firings = []
    for source in silent:
        path = paths.get(source.unit_id, "")
        last = (timezone.localtime(source.last_item_at).strftime("%Y-%m-%d %H:%M")
                if source.last_item_at else _("never"))
        reason = _("Source “%(name)s” has produced nothing new since %(last)s (%(silent)s); "
                   "expected at least every %(gap)s") % {
            "name": source.name, "last": last,
            "silent": duration(now - (source.last_item_at or source.silent_since
                                      - source.expected_gap)),
            "gap": duration(source.expected_gap)}
        for rule in rules:
            if path.startswith(rule.unit.path):
                firings.append(Firing(
                    rule, f"source:{source.source_id}:{source.silent_since:%Y%m%d%H%M%S}",
                    reason, source_id=source.source_id, count=0, lasting=True,
                    evidence={"source": source.source_id, "kind": source.kind,
                              "expected_gap_s": source.expected_gap.total_seconds(),
                              "silent_since": source.silent_since.isoformat()}))
    with transaction.atomic():
        return len(fire(firings, now))

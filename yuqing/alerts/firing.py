"""From a rule having fired to an alert delivered: folding, quiet hours, messages.

A *firing* is one reason a rule gives about one subject. Firings about a subject that already
has an open alert of the same rule (raised less than the rule's window ago) are folded into
it — the count goes up and the latest reason and evidence replace the previous ones — so an
event that keeps producing matches is one alert with a count, not a flood. New alerts are
delivered through :func:`yuqing.notify.api.notify` at once, or when the rule's quiet hours end
(critical rules are never held back: they are the ones that cannot wait for the morning).

Deliveries carry the key ``alert:<id>:<count>``: re-running a batch, or a job that retries
after a crash, never sends the same alert twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.alerts.models import Alert, AlertRule, Severity
from yuqing.analysis.sql import as_json, q, table, when
from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.notify.api import Message, notify
from yuqing.orgs.models import User

#: Severity an escalation is delivered with.
ESCALATED = {Severity.INFO: Severity.WARNING, Severity.WARNING: Severity.CRITICAL,
             Severity.CRITICAL: Severity.CRITICAL}


@dataclass
class Firing:
    rule: AlertRule
    #: What the alert is about, unique within the rule (see :attr:`Alert.subject_key`).
    subject_key: str
    reason: str
    item_id: int | None = None
    event_id: int | None = None
    scheme_id: int | None = None
    source_id: int | None = None
    burst_id: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    #: How much the alert's count grows when this folds in (0: a repeated check, not news).
    count: int = 1
    #: Folds in for as long as the subject lasts (a silence), not only within the window.
    lasting: bool = False


def quiet_until(rule: AlertRule, now: datetime) -> datetime | None:
    """When the rule's quiet hours end if ``now`` is inside them (local time), else None.

    ``22:00–07:00`` spans midnight; equal start and end mean no quiet hours. A critical
    rule is never quiet.
    """
    start, end = rule.quiet_start, rule.quiet_end
    if start is None or end is None or start == end or rule.severity == Severity.CRITICAL:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return _local(day, end)


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _merge(firings: Iterable[Firing]) -> dict[tuple[int, str], Firing]:
    """One firing per rule and subject: counts added, the last reason kept."""
    merged: dict[tuple[int, str], Firing] = {}
    for firing in firings:
        key = (firing.rule.pk, firing.subject_key)
        previous = merged.get(key)
        if previous is not None:
            firing.count += previous.count
            for name in ("item_id", "event_id", "scheme_id", "source_id", "burst_id"):
                if getattr(firing, name) is None:
                    setattr(firing, name, getattr(previous, name))
        merged[key] = firing
    return merged


def _open_alerts(keys: Sequence[tuple[int, str]],
                 now: datetime) -> dict[tuple[int, str], tuple[int, int | None]]:
    """``(rule, subject)`` → ``(alert id, its burst id)`` of the alerts still folding."""
    rules = sorted({rule for rule, _key in keys})
    subjects = sorted({key for _rule, key in keys})
    rows = (Alert.objects.filter(rule_id__in=rules, subject_key__in=subjects)
            .filter(Q(open_until__gt=now) | Q(open_until__isnull=True))
            .order_by("first_fired").values_list("rule_id", "subject_key", "id", "burst_id"))
    return {(rule, key): (pk, burst) for rule, key, pk, burst in rows if rule is not None}


def _fold(folds: list[tuple[int, Firing]], now: datetime) -> None:
    sql = (f"UPDATE {table(Alert)} SET {q('count')} = {q('count')} + %s, "
           f"{q('last_fired')} = %s, {q('reason')} = %s, {q('evidence')} = %s, "
           + ", ".join(f"{q(c)} = COALESCE(%s, {q(c)})"
                       for c in ("item_id", "event_id", "burst_id")) + " WHERE id = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            [f.count, when(now), f.reason, as_json(f.evidence), f.item_id, f.event_id,
             f.burst_id, pk] for pk, f in folds])


def fire(firings: Iterable[Firing], now: datetime) -> list[Alert]:
    """Fold firings into open alerts, raise the others and deliver them (or hold them back
    for quiet hours); returns the alerts raised. Call inside a transaction: deliveries are
    only rows until it commits.
    """
    merged = _merge(firings)
    if not merged:
        return []
    existing = _open_alerts(list(merged), now)
    folds = []
    for key, f in merged.items():
        if key in existing:
            pk, burst = existing[key]
            if f.burst_id is not None and f.burst_id == burst:
                f.count = 0  # the same burst measured again: newer figures, not a new firing
            folds.append((pk, f))
    if folds:
        _fold(folds, now)
    fresh = [f for key, f in merged.items() if key not in existing]
    if not fresh:
        return []
    alerts = Alert.objects.bulk_create([
        Alert(unit=f.rule.unit, rule=f.rule, rule_name=f.rule.name, kind=f.rule.kind,
              severity=f.rule.severity, reason=f.reason, subject_key=f.subject_key,
              item_id=f.item_id, event_id=f.event_id, scheme_id=f.scheme_id,
              source_id=f.source_id, burst_id=f.burst_id, evidence=f.evidence,
              first_fired=now, last_fired=now, count=max(f.count, 1),
              open_until=None if f.lasting else now + timedelta(minutes=f.rule.window_minutes),
              deliver_after=quiet_until(f.rule, now))
        for f in fresh])
    # Bulk writes fire no signals: one audit entry says what the system raised.
    record(Action.CREATE, model=Alert._meta.label, object_id=str(alerts[0].pk),
           object_repr=_("%(n)d alerts raised") % {"n": len(alerts)},
           details={"alerts": [a.pk for a in alerts],
                    "rules": sorted({a.rule_id for a in alerts if a.rule_id})})
    deliver([a for a in alerts if a.deliver_after is None], now)
    return alerts


# -- messages -------------------------------------------------------------------------------


def message(alert: Alert, *, escalated: bool = False) -> Message:
    """The alert as a notification: its reason, count and links; keyed so it goes out once."""
    severity = ESCALATED[Severity(alert.severity)] if escalated else alert.severity
    label = Severity(severity).label
    if escalated:
        title = _("Escalated, not acknowledged: %(rule)s") % {"rule": alert.rule_name}
    else:
        title = f"[{label}] {alert.rule_name}"
    lines = [alert.reason]
    if alert.count > 1:
        lines.append(_("%(count)d firings since %(first)s.") % {
            "count": alert.count,
            "first": timezone.localtime(alert.first_fired).strftime("%Y-%m-%d %H:%M")})
    if alert.item_id:
        lines.append(_("Item: %(url)s") % {
            "url": reverse("collect:item-detail", args=[alert.item_id])})
    if alert.event_id:
        lines.append(_("Event: %(url)s") % {
            "url": reverse("analysis:event-detail", args=[alert.event_id])})
    key = f"alert:{alert.pk}:escalated" if escalated else f"alert:{alert.pk}:{alert.count}"
    return Message(title=title, body="\n".join(lines),
                   url=reverse("alerts:alert-detail", args=[alert.pk]), severity=severity,
                   key=key)


def _recipients(alerts: Sequence[Alert]) -> dict[int, list[User]]:
    rules = {a.rule_id for a in alerts if a.rule_id is not None}
    users: dict[int, list[User]] = {rule: [] for rule in rules}
    through = AlertRule.recipients.through
    for link in through.objects.filter(alertrule_id__in=rules).select_related("user"):
        users[link.alertrule_id].append(link.user)
    return users


def queue_messages(alerts: Sequence[Alert]) -> None:
    """Queue each alert's message to its unit's channels and the rule's recipients."""
    recipients = _recipients(alerts)
    for alert in alerts:
        notify(alert.unit, message(alert), users=recipients.get(alert.rule_id or 0, ()))


def deliver(alerts: Sequence[Alert], now: datetime) -> None:
    """Queue the alerts' messages and mark them delivered."""
    if alerts:
        queue_messages(alerts)
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(delivered_at=now)

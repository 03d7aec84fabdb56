"""Quiet hours, delivery after them, escalation of unacknowledged alerts, silent sources."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts.conftest import START, WATER, analyse, make_rule, make_scheme, push
from yuqing.alerts import jobs
from yuqing.alerts.firing import quiet_until
from yuqing.alerts.models import Alert, AlertRule, Severity
from yuqing.collect.models import Source
from yuqing.notify.models import Channel, Delivery
from yuqing.orgs.models import Unit

NEGATIVE = AlertRule.Kind.NEGATIVE


def _local(hour: int, minute: int = 0, day: int = 2) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, minute))


@pytest.mark.parametrize(("start", "end", "now", "until"), [
    ((22, 0), (7, 0), _local(23, 30), _local(7, 0, day=3)),   # over midnight, evening
    ((22, 0), (7, 0), _local(3, 0), _local(7, 0)),            # over midnight, night
    ((22, 0), (7, 0), _local(12, 0), None),
    ((12, 0), (14, 0), _local(13, 59), _local(14, 0)),
    ((12, 0), (14, 0), _local(14, 0), None),                  # the end is outside
    ((12, 0), (12, 0), _local(12, 0), None),                  # no quiet hours
])
def test_quiet_hours(units: dict[str, Unit], start: tuple[int, int], end: tuple[int, int],
                     now: dt.datetime, until: dt.datetime | None) -> None:
    rule = AlertRule(unit=units["district"], kind=NEGATIVE, severity=Severity.WARNING,
                     quiet_start=dt.time(*start), quiet_end=dt.time(*end))
    assert quiet_until(rule, now) == until
    rule.severity = Severity.CRITICAL  # critical rules are never held back
    assert quiet_until(rule, now) is None


def _quiet_now() -> tuple[dt.time, dt.time]:
    """Quiet hours around the present moment (a minute before to two hours after)."""
    local = timezone.localtime()
    return ((local - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0),
            (local + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0))


@pytest.fixture
def channels(units: dict[str, Unit]) -> dict[str, Channel]:
    return {name: Channel.objects.create(name=name, kind="webhook", unit=units[name],
                                         config={"url": f"http://127.0.0.1:9/{name}"})
            for name in ("district", "street_a")}


def test_quiet_hours_hold_delivery_until_they_end(
        source: Source, units: dict[str, Unit], channels: dict[str, Channel]) -> None:
    start, end = _quiet_now()
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE, quiet_start=start, quiet_end=end)
    make_rule(units["district"], NEGATIVE, name="critical", severity=Severity.CRITICAL,
              quiet_start=start, quiet_end=end)
    push(source, [("1", WATER, START)])
    analyse()
    held = Alert.objects.get(severity=Severity.WARNING)
    urgent = Alert.objects.get(severity=Severity.CRITICAL)
    assert held.delivered_at is None and held.deliver_after is not None
    assert urgent.delivered_at is not None and urgent.deliver_after is None
    assert list(Delivery.objects.values_list("key", flat=True)) == [f"alert:{urgent.pk}:1"]
    assert jobs.deliver_due() == 0  # not yet
    push(source, [("2", WATER + "！", START)])  # folds in while held
    analyse()
    assert jobs.deliver_due(held.deliver_after + dt.timedelta(seconds=1)) == 1
    assert jobs.deliver_due(held.deliver_after + dt.timedelta(seconds=2)) == 0
    held.refresh_from_db()
    assert held.delivered_at is not None
    delivery = Delivery.objects.get(key__startswith=f"alert:{held.pk}:")
    assert delivery.key == f"alert:{held.pk}:2" and "2 firings since" in delivery.body


def test_unacknowledged_alerts_escalate_to_the_parent_unit_once(
        units: dict[str, Unit], channels: dict[str, Channel]) -> None:
    source = Source.objects.create(name="东湖社区号", platform="weibo", unit=units["street_a"])
    make_scheme(units["street_a"], "停水", "停水")
    make_rule(units["street_a"], NEGATIVE, escalate_after=10)
    make_rule(units["street_a"], NEGATIVE, name="no escalation")
    push(source, [("1", WATER, START)])
    analyse()
    alert = Alert.objects.get(rule__escalate_after=10)
    assert alert.delivered_at is not None
    assert jobs.escalate(alert.delivered_at + dt.timedelta(minutes=9)) == 0
    later = alert.delivered_at + dt.timedelta(minutes=10, seconds=1)
    assert jobs.escalate(later) == 1
    assert jobs.escalate(later + dt.timedelta(minutes=30)) == 0
    alert.refresh_from_db()
    assert alert.escalated_at == later
    escalation = Delivery.objects.get(key=f"alert:{alert.pk}:escalated")
    assert escalation.channel == channels["district"] and escalation.severity == "critical"
    assert escalation.title.startswith("Escalated, not acknowledged")


def test_acknowledged_alerts_do_not_escalate(source: Source, units: dict[str, Unit]) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE, escalate_after=1)
    push(source, [("1", WATER, START)])
    analyse()
    Alert.objects.update(acknowledged_at=timezone.now())
    assert jobs.escalate(timezone.now() + dt.timedelta(hours=1)) == 0


def test_a_silent_source_raises_one_alert_per_silence(
        source: Source, units: dict[str, Unit]) -> None:
    Source.objects.filter(pk=source.pk).update(silent_after=dt.timedelta(hours=6))
    rule = make_rule(units["district"], AlertRule.Kind.SILENT, name="断流")
    make_rule(units["street_b"], AlertRule.Kind.SILENT, name="not ours")
    push(source, [("1", WATER, START)])  # counted as new today, whatever its publication
    assert jobs.check_silent_sources(timezone.now() + dt.timedelta(hours=5)) == 0
    later = timezone.now() + dt.timedelta(days=1, hours=1)
    assert jobs.check_silent_sources(later) == 1
    assert jobs.check_silent_sources(later + dt.timedelta(minutes=5)) == 0
    alert = Alert.objects.get()
    assert (alert.rule, alert.source_id, alert.count, alert.open_until) == (
        rule, source.pk, 1, None)
    assert alert.reason.startswith("Source “滨江发布” has produced nothing new since ")
    assert alert.reason.endswith("(1 d 1 h); expected at least every 6 h 0 min")


def test_duration_in_words() -> None:
    assert jobs.duration(dt.timedelta(minutes=12, seconds=50)) == "12 min"
    assert jobs.duration(dt.timedelta(hours=5, minutes=10)) == "5 h 10 min"
    assert jobs.duration(dt.timedelta(days=3, hours=4, minutes=59)) == "3 d 4 h"

"""Alert rules on analysed batches: each kind, its reason in words with numbers, scope by
schemes and regions, folding within the window, and one delivery per alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from tests.alerts.conftest import FIRE, START, WATER, analyse, make_rule, make_scheme, push
from yuqing.alerts import schemes
from yuqing.alerts.models import Alert, AlertRule, Severity
from yuqing.analysis import queue, runner
from yuqing.analysis.models import ItemAnalysis
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import CredibilityTier, Source
from yuqing.notify.models import Channel, Delivery, Notification
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.rumours.models import Debunk, RumourMatch, Verdict

NEGATIVE = AlertRule.Kind.NEGATIVE


@pytest.fixture
def channel(units: dict[str, Unit]) -> Channel:
    return Channel.objects.create(name="值班群", kind="webhook", unit=units["district"],
                                  config={"url": "http://127.0.0.1:9/hook"})


def test_negative_match_raises_an_alert_that_says_why(
        source: Source, units: dict[str, Unit], channel: Channel) -> None:
    scheme = make_scheme(units["district"], "幸福小区停水", "幸福小区 停水")
    rule = make_rule(units["district"], NEGATIVE, name="负面舆情", max_tier_rank=3,
                     severity=Severity.CRITICAL)
    water, _ = push(source, [("1", WATER, START), ("2", FIRE, START)])
    analyse()
    alert = Alert.objects.get()
    analysis = ItemAnalysis.objects.get(item_id=water)
    assert analysis.tone == "negative"
    assert alert.reason == (f"Weibo · 滨江发布 · 政务账号 tier · negative "
                            f"{analysis.tone_score:.2f} · matched 幸福小区 + 停水 in scheme "
                            f"“幸福小区停水”")
    assert (alert.rule, alert.unit, alert.severity, alert.kind) == (
        rule, units["district"], Severity.CRITICAL, NEGATIVE)
    assert (alert.item_id, alert.scheme_id, alert.event_id) == (water, scheme.pk,
                                                               analysis.event_id)
    assert alert.evidence["spans"] == [["text", 7, 11, "幸福小区"], ["text", 11, 13, "停水"]]
    assert alert.delivered_at is not None and alert.count == 1
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.key, delivery.severity) == (
        channel, f"alert:{alert.pk}:1", "critical")
    assert delivery.title == "[critical] 负面舆情" and alert.reason in delivery.body
    assert delivery.url.endswith(f"/alerts/{alert.pk}/")
    entry = AuditEntry.objects.get(model="alerts.Alert")
    assert entry.details["alerts"] == [alert.pk]


def test_later_matches_of_the_event_fold_into_the_alert(
        source: Source, units: dict[str, Unit], channel: Channel) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE)
    ids = push(source, [("1", WATER, START)])
    analyse()
    ids += push(source, [("2", WATER + "！！", START + dt.timedelta(minutes=5)),
                         ("3", WATER + "？？", START + dt.timedelta(minutes=6))])
    analyse()
    alert = Alert.objects.get()
    assert alert.count == 3 and alert.last_fired > alert.first_fired
    assert alert.item_id == ids[2]
    # A re-run batch (a crash, a re-analysis) finds no new match: nothing changes.
    with connection.cursor() as cursor:
        queue.enqueue(cursor, ids, START)
    runner.invalidate()
    schemes.invalidate()
    analyse()
    assert Alert.objects.get().count == 3
    assert Delivery.objects.count() == 1


def test_after_the_window_a_new_alert_is_raised(source: Source, units: dict[str, Unit]) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE, window_minutes=30)
    push(source, [("1", WATER, START)])
    analyse()
    Alert.objects.update(open_until=timezone.now() - dt.timedelta(seconds=1))
    push(source, [("2", WATER + "！", START)])
    analyse()
    assert Alert.objects.count() == 2


@pytest.mark.parametrize(("tier", "max_rank", "min_confidence", "fires"), [
    ("government", 3, 0.0, True),
    ("government", 2, 0.0, False),
    ("central_media", 1, 0.0, True),
    ("self_media", None, 0.0, True),
    ("government", 3, 0.99, False),
])
def test_tier_and_confidence_thresholds(
        units: dict[str, Unit], tier: str, max_rank: int | None, min_confidence: float,
        fires: bool) -> None:
    source = Source.objects.create(name="来源", platform="weibo", unit=units["district"],
                                   tier=CredibilityTier.objects.get(code=tier))
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE, max_tier_rank=max_rank,
              min_confidence=min_confidence)
    push(source, [("1", WATER, START)])
    analyse()
    assert Alert.objects.exists() is fires


def test_a_rule_watches_its_schemes_or_its_subtree(
        source: Source, units: dict[str, Unit]) -> None:
    street = make_scheme(units["street_a"], "街道停水", "停水")
    other = make_scheme(units["district"], "起火", "起火")
    district_rule = make_rule(units["district"], NEGATIVE, name="区")  # all, streets' too
    picked = make_rule(units["district"], NEGATIVE, name="只看起火", schemes=[other])
    sibling = make_rule(units["street_b"], NEGATIVE, name="西湖")  # not the district's
    push(source, [("1", WATER, START)])
    analyse()
    alert = Alert.objects.get()
    assert (alert.rule, alert.scheme_id) == (district_rule, street.pk)
    assert not Alert.objects.filter(rule__in=[picked, sibling]).exists()


def test_region_concerns_a_rule_without_schemes(
        source: Source, units: dict[str, Unit]) -> None:
    push(source, [("1", WATER, START)])
    analyse()
    analysis = ItemAnalysis.objects.get()
    make_rule(units["district"], AlertRule.Kind.HEAT, heat_threshold=0.0,
              regions=[analysis.district or analysis.city])
    make_rule(units["district"], AlertRule.Kind.HEAT, name="elsewhere", heat_threshold=0.0,
              regions=["110105"])
    push(source, [("2", WATER + "！", START)])
    analyse()
    alert = Alert.objects.get()
    assert alert.rule_name == "heat rule" and alert.event_id == analysis.event_id
    assert alert.reason.startswith("Event “") and "heat" in alert.reason


def test_heat_threshold(source: Source, units: dict[str, Unit]) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], AlertRule.Kind.HEAT, name="hot", heat_threshold=1.0)
    make_rule(units["district"], AlertRule.Kind.HEAT, name="never", heat_threshold=100.0)
    push(source, [("1", WATER, START), ("2", WATER + "！", START)])
    analyse()
    push(source, [("3", WATER + "？", START)])  # still above: the figures are refreshed
    analyse()
    alert = Alert.objects.get()
    event = alert.event
    assert alert.rule_name == "hot" and event is not None and alert.count == 1
    assert alert.reason == (f"Event “{event.title}”: heat {event.heat:.0f} ≥ 1 · "
                            f"{event.items} items, {100 * event.negative / event.items:.0f}% "
                            f"negative · risk {event.risk:.0f}")


def _burst_rows() -> list[tuple[str, str, dt.datetime]]:
    rows = [(f"b{h}", f"第{h}天的停水通知", START + dt.timedelta(hours=h)) for h in range(12)]
    return rows + [(f"s{i}", f"{WATER}，第{i}位居民反映",
                    START + dt.timedelta(hours=12, minutes=i)) for i in range(25)]


def test_scheme_and_event_bursts(source: Source, units: dict[str, Unit]) -> None:
    scheme = make_scheme(units["district"], "停水", "停水")
    schemes_only = make_rule(units["district"], AlertRule.Kind.BURST, name="方案",
                             burst_of=AlertRule.BurstOf.SCHEME)
    events_only = make_rule(units["district"], AlertRule.Kind.BURST, name="事件",
                            burst_of=AlertRule.BurstOf.EVENT)
    push(source, _burst_rows())
    analyse()
    by_scheme = Alert.objects.get(rule=schemes_only)
    assert by_scheme.subject_key == f"scheme:{scheme.pk}" and by_scheme.burst is not None
    assert by_scheme.burst.rule == "1h/12h"  # both rules hold; the hourly one links
    assert by_scheme.reason.startswith(f"Scheme “停水”: {by_scheme.burst.reason()}; ")
    assert "25 items in 1 h" in by_scheme.reason and "37 items in 24 h" in by_scheme.reason
    by_event = Alert.objects.filter(rule=events_only)
    assert by_event.exists()
    assert all(a.reason.startswith("Event “") and a.burst is not None for a in by_event)
    # The same burst measured again by a later batch: newer figures, not another firing.
    push(source, [("late", f"{WATER}，又一位居民反映", START + dt.timedelta(hours=12, minutes=40))])
    analyse()
    by_scheme.refresh_from_db()
    assert by_scheme.count == 1 and "26 items in 1 h" in by_scheme.reason
    assert Alert.objects.filter(rule=schemes_only).count() == 1


def test_rumour_match_raises_an_alert(source: Source, units: dict[str, Unit]) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], AlertRule.Kind.RUMOUR, name="谣言")
    debunk = Debunk.objects.create(claim="幸福小区停水是因为水源被污染", verdict=Verdict.FALSE,
                                   source_name="滨江发布")
    ids = push(source, [("1", WATER, START), ("2", FIRE, START)])
    for pk in ids:  # a confirmed match stays whatever the matcher finds on re-analysis
        RumourMatch.objects.create(item_id=pk, debunk=debunk, score=0.81, wording=debunk.claim,
                                   status=RumourMatch.Status.CONFIRMED)
    analyse()
    alert = Alert.objects.get()  # the fire post matches no scheme: it does not concern us
    assert alert.item_id == ids[0] and alert.subject_key == f"rumour:{debunk.pk}"
    assert alert.reason == ("Repeats the rumour “幸福小区停水是因为水源被污染” (false according "
                            "to 滨江发布; similarity 0.81)")


def test_in_app_recipients(source: Source, units: dict[str, Unit],
                           make_user: Callable[..., User]) -> None:
    handler = make_user("handler", Role.HANDLER, units["street_a"])
    make_scheme(units["district"], "停水", "停水")
    rule = make_rule(units["district"], NEGATIVE)
    rule.recipients.set([handler])
    push(source, [("1", WATER, START)])
    analyse()
    alert = Alert.objects.get()
    note = Notification.objects.get()
    assert (note.user, note.key) == (handler, f"alert:{alert.pk}:1")


def test_disabled_rules_and_no_rules_raise_nothing(
        source: Source, units: dict[str, Unit]) -> None:
    make_scheme(units["district"], "停水", "停水")
    make_rule(units["district"], NEGATIVE, enabled=False)
    push(source, [("1", WATER, START)])
    analyse()
    assert not Alert.objects.exists()

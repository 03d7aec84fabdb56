"""The demo's alert rules and the in-app channels their alerts are delivered to.

The rules cover the kinds that judge analysed items (negative matches from authoritative
sources, rumours, bursts, heat) at the district and at two streets, so that the sample week
raises alerts at both levels — all but the burst rule, which waits for live data (a burst is
measured on the latest hour a batch touches, and the sample ends calm). "Source gone silent"
is left out: the demo's sources never fetch and would all be silent. Delivery is in-app
only: the demo runs air-gapped, and an email or webhook channel would only pile up failed
deliveries. Names end in （演示）.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from yuqing.alerts.models import Alert, AlertRule, Scheme, Severity
from yuqing.demo import schemes
from yuqing.demo.made import Made, ensure
from yuqing.notify import actions
from yuqing.notify.models import Channel, ChannelKind
from yuqing.notify.models import Severity as ChannelSeverity
from yuqing.orgs.models import Unit, User


@dataclass(frozen=True)
class DemoChannel:
    unit_code: str
    name: str
    include_subtree: bool = False
    min_severity: str = ChannelSeverity.INFO


#: The district's members hear of the streets' warnings too; each street of its own alerts.
CHANNELS = (
    DemoChannel("binjiang", "滨江区站内通知（演示）", include_subtree=True,
                min_severity=ChannelSeverity.WARNING),
    DemoChannel("binjiang-donghu", "东湖街道站内通知（演示）"),
    DemoChannel("binjiang-xihu", "西湖街道站内通知（演示）"),
)


@dataclass(frozen=True)
class DemoRule:
    unit_code: str
    name: str
    kind: str
    severity: str = Severity.WARNING
    #: Names of demo schemes; empty: every scheme of the unit and the units below it.
    schemes: tuple[str, ...] = ()
    max_tier_rank: int | None = None
    min_confidence: float = 0.6
    burst_of: str = AlertRule.BurstOf.ANY
    heat_threshold: float | None = None
    #: Usernames told in the app at once, before any channel's delivery is sent.
    recipients: tuple[str, ...] = ()


RUMOURS = DemoRule("binjiang", "谣言传播（演示）", AlertRule.Kind.RUMOUR, Severity.CRITICAL,
                   recipients=("demo-analyst",))
JINHUA = DemoRule("binjiang-donghu", "锦华苑负面信息（演示）", AlertRule.Kind.NEGATIVE,
                  schemes=(schemes.JINHUA,), min_confidence=0.7, recipients=("demo-handler",))

RULES = (
    # Rank 2 is 省级/地方媒体 among the default tiers (江城日报 and the like); government
    # accounts are rank 3, and comments under their posts would count as theirs.
    DemoRule("binjiang", "媒体负面报道（演示）", AlertRule.Kind.NEGATIVE, max_tier_rank=2,
             recipients=("demo-analyst",)),
    RUMOURS,
    DemoRule("binjiang", "监测方案突增（演示）", AlertRule.Kind.BURST,
             burst_of=AlertRule.BurstOf.SCHEME),
    JINHUA,
    DemoRule("binjiang-xihu", "加装电梯事件热度（演示）", AlertRule.Kind.HEAT,
             schemes=(schemes.XIHU,), heat_threshold=50.0),
)


def ensure_channels(units: dict[str, Unit]) -> Made[Channel]:
    """Create the missing in-app channels through the notify actions (which audit them);
    existing ones (same unit and name) are left as they are."""
    def create(spec: DemoChannel, unit: Unit) -> Channel:
        return actions.save_channel(
            Channel(name=spec.name, kind=ChannelKind.INAPP, unit=unit,
                    include_subtree=spec.include_subtree, min_severity=spec.min_severity),
            {"roles": []}, {})

    return ensure(CHANNELS, units, Channel, create)


def ensure_rules(units: dict[str, Unit], demo_schemes: dict[str, Scheme],
                 users: list[User]) -> Made[AlertRule]:
    """Create the missing rules (saved one by one: the audit log records each); existing ones
    (same unit and name) are left as they are."""
    by_name = {user.username: user for user in users}

    def create(spec: DemoRule, unit: Unit) -> AlertRule:
        rule = AlertRule.objects.create(
            unit=unit, name=spec.name, kind=spec.kind, severity=spec.severity,
            max_tier_rank=spec.max_tier_rank, min_confidence=spec.min_confidence,
            burst_of=spec.burst_of, heat_threshold=spec.heat_threshold)
        rule.schemes.set([demo_schemes[name] for name in spec.schemes])
        rule.recipients.set([by_name[name] for name in spec.recipients])
        return rule

    return ensure(RULES, units, AlertRule, create)


def demo_rules() -> list[AlertRule]:
    match = Q(pk__in=[])
    for spec in RULES:
        match |= Q(unit__code=spec.unit_code, name=spec.name)
    return list(AlertRule.objects.filter(match))


def remove() -> tuple[int, int]:
    """Delete the demo's rules and the alerts they raised (``--reset``: the alerts are about
    the items being removed); returns how many of each went."""
    rules = demo_rules()
    alerts = Alert.objects.filter(rule__in=rules)
    count = alerts.count()
    alerts.delete()
    AlertRule.objects.filter(pk__in=[r.pk for r in rules]).delete()
    return len(rules), count

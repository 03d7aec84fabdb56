"""``yuqing demo``: the fictional district, its users, the sample items and the demo content
made around them (schemes, alert rules, channels, debunk entries, routing rules, cases)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum

from yuqing.alerts import schemes as matcher
from yuqing.alerts.models import Alert, AlertRule, Scheme
from yuqing.analysis import runner
from yuqing.analysis.models import Event, ItemAnalysis
from yuqing.audit.models import AuditEntry
from yuqing.cases.models import ActionKind, Case, CaseAction, RoutingRule, Status
from yuqing.collect.models import Item, ItemKind, Platform, Source
from yuqing.demo import cases, items, org, rules, rumours, schemes
from yuqing.demo.management.commands import demo as demo_command
from yuqing.notify.models import Channel, ChannelKind, Delivery, Notification
from yuqing.orgs.models import Unit, User
from yuqing.orgs.scope import unit_filter
from yuqing.reports.models import DirtyHour, UnitHour
from yuqing.rumours import engine
from yuqing.rumours.models import Debunk, RumourMatch
from yuqing.search.models import PendingItem

SAMPLE = list(items.read_sample())


@pytest.fixture(autouse=True)
def _demo_settings(settings: Any, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("YUQING_DEMO_PASSWORD", raising=False)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test's database starts over: no process cache may outlive it (the compiled
    schemes, the debunk index and the analysis context are keyed by counters that a rolled
    back database hands out again)."""
    runner.invalidate()
    matcher.invalidate()
    engine.invalidate()
    yield
    matcher.invalidate()
    engine.invalidate()


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _password(output: str) -> str:
    line = next(ln for ln in output.splitlines() if ln.startswith("password of every demo user"))
    return line.rsplit(" ", 1)[1]


def _state() -> dict[str, Any]:
    return {
        "items": sorted(Item.objects.values_list("natural_key", "fingerprint", "published_at",
                                                 "parent_id", "unit_id")),
        "sources": sorted(Source.objects.values_list("platform", "name", "unit__code")),
        "units": sorted(Unit.objects.values_list("code", "path")),
        "users": sorted(User.objects.values_list("username", "role", "unit__code", "password")),
        "audit": AuditEntry.objects.count(),
        "content": _content(),
        "alerts": sorted(Alert.objects.values_list("rule__name", "subject_key", "count")),
        "rumour matches": RumourMatch.objects.count(),
        "case actions": CaseAction.objects.count(),
        "notifications": Notification.objects.count(),
        "deliveries": Delivery.objects.count(),
    }


def _content() -> dict[str, int]:
    return {
        "schemes": Scheme.objects.count(),
        "rules": AlertRule.objects.count(),
        "channels": Channel.objects.count(),
        "debunks": Debunk.objects.filter(origin=rumours.ORIGIN).count(),
        "routes": RoutingRule.objects.count(),
        "cases": Case.objects.count(),
    }


SPEC_COUNTS = {
    "schemes": len(schemes.SCHEMES), "rules": len(rules.RULES), "channels": len(rules.CHANNELS),
    "debunks": len(rumours.ENTRIES), "routes": len(cases.ROUTES), "cases": len(cases.CASES),
}


def test_sample_is_a_week_of_consistent_items() -> None:
    assert 300 <= len(SAMPLE) <= 400
    ids = {(r["platform"], r["external_id"]) for r in SAMPLE if r["kind"] == ItemKind.POST}
    tiers = {"central_media", "local_media", "government", "self_media", "individual"}
    for row in SAMPLE:
        assert row["platform"] in Platform.values
        assert row["tier"] in tiers
        assert 0 < row["hours_ago"] <= 7 * 24
        assert row["url"] == "" or ".example/" in row["url"]
        if row["parent_external_id"]:
            assert (row["platform"], row["parent_external_id"]) in ids
    assert {int(r["hours_ago"] // 24) for r in SAMPLE} == set(range(7))
    assert len({r["platform"] for r in SAMPLE}) >= 7
    assert any("//@" in r["text"] for r in SAMPLE)


@pytest.mark.django_db
def test_demo_creates_units_users_sources_and_items(settings: Any) -> None:
    output = _demo()
    password = _password(output)
    assert Item.objects.count() == len(SAMPLE)
    assert Source.objects.count() == len({(r["platform"], r["source"]) for r in SAMPLE})
    assert Item.objects.filter(kind=ItemKind.COMMENT, parent__isnull=True).count() == 0
    assert Unit.objects.get(code="binjiang").subtree().count() == 1 + 3 + 6
    for spec in org.USERS:
        user = User.objects.get(username=spec.username)
        assert user.role == spec.role and user.unit.code == spec.unit_code  # type: ignore[union-attr]
        assert user.check_password(password)
        assert spec.username in output
    assert "http://127.0.0.1:8000/" in output
    assert (settings.DATA_DIR / "demo_password").read_text() == password
    # Sources named after a street belong to it, so a street's handler sees only its own.
    handler = User.objects.get(username="demo-handler")
    visible = Item.objects.filter(unit_filter(handler))
    assert 0 < visible.count() < len(SAMPLE)
    assert not visible.exclude(unit__code="binjiang-donghu").exists()
    # The dashboard's hourly counts and the search index are made too, not left to the
    # scheduler's first runs.
    assert not DirtyHour.objects.exists() and not PendingItem.objects.exists()
    assert sum(UnitHour.objects.values_list("items", flat=True)) == len(SAMPLE)


@pytest.mark.django_db
def test_published_times_are_relative_to_when_the_demo_was_created() -> None:
    _demo()
    clock = Source.objects.order_by("created_at").first().created_at  # type: ignore[union-attr]
    row = SAMPLE[0]
    item = Item.objects.get(platform=row["platform"], external_id=row["external_id"])
    assert item.published_at == clock - timedelta(hours=row["hours_ago"])


@pytest.mark.django_db
def test_running_demo_twice_changes_nothing() -> None:
    first = _demo()
    before = _state()
    second = _demo()
    assert _state() == before
    assert _password(second) == _password(first)
    assert f"0 new, 0 updated, {len(SAMPLE)} unchanged" in second


@pytest.mark.django_db
def test_demo_content_is_made_once() -> None:
    first = _demo()
    assert _content() == SPEC_COUNTS
    assert (f"{len(schemes.SCHEMES)} monitoring schemes ({len(schemes.SCHEMES)} new), "
            f"{len(rules.RULES)} alert rules ({len(rules.RULES)} new)") in first
    assert f"{len(rumours.ENTRIES)} debunk entries: {len(rumours.ENTRIES)} new" in first
    second = _demo()
    assert _content() == SPEC_COUNTS
    assert (f"{len(schemes.SCHEMES)} monitoring schemes (0 new), {len(rules.RULES)} alert "
            f"rules (0 new), {len(rules.CHANNELS)} in-app channels (0 new), "
            f"{len(cases.ROUTES)} case routing rules (0 new)") in second
    assert f"0 new, 0 updated, {len(rumours.ENTRIES)} unchanged" in second
    assert f"{len(cases.CASES)} cases (0 new)" in second
    assert "analysed 0 items" in second


@pytest.mark.django_db
def test_every_scheme_matches_sample_items() -> None:
    _demo()
    for scheme in Scheme.objects.all():
        assert scheme.hits.exists(), scheme.name
    advanced = Scheme.objects.get(name=schemes.WATER_RUMOUR)
    assert advanced.mode == Scheme.Mode.ADVANCED and "NEAR/8" in advanced.query


@pytest.mark.django_db
def test_the_sample_raises_alerts_and_rumour_matches() -> None:
    output = _demo()
    alerts = Alert.objects.filter(rule__in=rules.demo_rules())
    assert alerts.exists()
    assert f"{alerts.count()} alerts" in output
    assert {AlertRule.Kind.NEGATIVE, AlertRule.Kind.RUMOUR, AlertRule.Kind.HEAT} <= set(
        alerts.values_list("kind", flat=True))
    # A sample post repeats a demo entry's claim (and is not refuting it): a rumour alert.
    spread = RumourMatch.objects.filter(debunk__origin=rumours.ORIGIN, refutes=False)
    assert spread.exists()
    assert alerts.filter(kind=AlertRule.Kind.RUMOUR,
                         item_id__in=spread.values("item_id")).exists()
    # Delivery is in-app only, and the rules' recipients are told at once.
    assert set(Channel.objects.values_list("kind", flat=True)) == {ChannelKind.INAPP}
    assert Notification.objects.filter(user__username="demo-analyst").exists()


@pytest.mark.django_db
def test_cases_are_opened_from_alerts_routed_and_handled() -> None:
    _demo()
    for spec in cases.CASES:
        case = Case.objects.get(title=spec.title)
        assert case.alert is not None and case.alert.rule is not None
        assert case.alert.rule.name == spec.rule.name
        assert case.routed_by is not None
        assert case.assignee is not None and case.assignee.username == spec.assignee
        assert case.assignee.unit == case.unit
        assert case.evidence.filter(item__external_id=spec.anchor[1]).exists()
        kinds = set(case.timeline.values_list("kind", flat=True))
        assert {ActionKind.OPENED, ActionKind.ROUTING, ActionKind.ASSIGNMENT,
                ActionKind.STATUS, ActionKind.STATEMENT} <= kinds
        assert case.responded_at is not None
    housing = Case.objects.get(title=cases.CASES[0].title)
    assert housing.unit.code == "binjiang-donghu" and housing.status == Status.RESPONDED


@pytest.mark.django_db
def test_content_added_to_an_analysed_sample_is_matched_too() -> None:
    """A database an older ``yuqing demo`` made: its sample was analysed before any scheme,
    rule or entry existed; the new content must still find it."""
    _demo()
    cases.remove()
    rules.remove()
    schemes.remove()
    Debunk.objects.filter(origin=rumours.ORIGIN).delete()
    output = _demo()
    assert f"{len(SAMPLE)} sample items queued again" in output
    assert _content() == SPEC_COUNTS
    assert Alert.objects.filter(rule__in=rules.demo_rules()).exists()
    assert RumourMatch.objects.filter(debunk__origin=rumours.ORIGIN, refutes=False).exists()


@pytest.mark.django_db
def test_demo_password_can_be_given(monkeypatch: pytest.MonkeyPatch) -> None:
    _demo()
    monkeypatch.setenv("YUQING_DEMO_PASSWORD", "river-side-demo-2024")
    assert _password(_demo()) == "river-side-demo-2024"
    assert User.objects.get(username="demo-viewer").check_password("river-side-demo-2024")


@pytest.mark.django_db
def test_reset_reloads_the_items_dated_from_now() -> None:
    _demo()
    events_before = _event_counts()
    old_sources = set(Source.objects.values_list("pk", flat=True))
    old_alerts = set(Alert.objects.values_list("pk", flat=True))
    output = _demo("--reset")
    assert f"removed {len(SAMPLE)} sample items" in output
    assert (f"removed {len(cases.CASES)} demo cases, {len(old_alerts)} alerts, "
            f"{len(rules.RULES)} alert rules and {len(schemes.SCHEMES)} schemes") in output
    assert Item.objects.count() == len(SAMPLE)
    assert old_sources.isdisjoint(Source.objects.values_list("pk", flat=True))
    # What was derived from the old items went with them and was made again from the new.
    assert _content() == SPEC_COUNTS
    assert old_alerts.isdisjoint(Alert.objects.values_list("pk", flat=True))
    assert Alert.objects.filter(kind=AlertRule.Kind.RUMOUR).exists()
    assert not Case.objects.filter(evidence__isnull=True).exists()
    # The old items' events went with them: the reloaded items are counted once.
    assert _event_counts() == events_before


def _event_counts() -> tuple[int, int, int]:
    """Events, the items they count, and the analysed items that belong to an event."""
    return (Event.objects.filter(items__gt=0).count(),
            Event.objects.aggregate(n=Sum("items"))["n"],
            ItemAnalysis.objects.exclude(event=None).count())


@pytest.mark.django_db
def test_serve_option_starts_yuqing_run(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    real = demo_command.call_command

    def fake(name: str, *args: Any, **kwargs: Any) -> None:
        if name == "run":
            started.append(name)
        else:
            real(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake)
    _demo("--serve")
    assert started == ["run"]

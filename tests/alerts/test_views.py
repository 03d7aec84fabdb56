"""Pages: schemes (simple and advanced, syntax errors with their position, preview), rules,
the inbox (unacknowledged first, acknowledgement), and what other units cannot see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.alerts.conftest import FIRE, WATER, analyse, make_rule, make_scheme, push
from tests.conftest import PASSWORD
from yuqing.alerts.models import Alert, AlertRule, Scheme
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


def _login(client: Client, make_user: Callable[..., User], role: Role, unit: Unit) -> User:
    user = make_user(f"u-{role}-{unit.code}", role, unit)
    client.login(username=user.username, password=PASSWORD)
    return user


def _scheme_post(unit: Unit, **fields: str) -> dict[str, str]:
    data = {"unit": str(unit.pk), "name": "幸福小区", "mode": "simple", "region_words": "",
            "subject_words": "", "event_words": "", "exclude_words": "", "query": "",
            "enabled": "on", "action": "save"}
    data.update(fields)
    return data


@pytest.fixture
def recent(source: Source) -> list[int]:
    """Analysed items of the last hours, for previews."""
    now = timezone.now()
    ids = push(source, [("1", WATER, now - dt.timedelta(hours=1)),
                        ("2", FIRE, now - dt.timedelta(hours=2)),
                        ("old", WATER + "（旧）", now - dt.timedelta(days=9))])
    analyse()
    return ids


def test_simple_scheme_is_saved_shown_as_a_query_and_previewed(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User],
        recent: list[int]) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    response = client.post("/alerts/schemes/new/", _scheme_post(
        units["district"], region_words="幸福小区、东湖", event_words="停水\n停电",
        exclude_words="广告"))
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/alerts/schemes/{scheme.pk}/"
    assert scheme.region_words == ["幸福小区", "东湖"] and scheme.event_words == ["停水", "停电"]
    assert scheme.query == "(幸福小区 OR 东湖) AND (停水 OR 停电) AND NOT 广告"
    page = client.get(response["Location"]).content.decode()
    assert "(幸福小区 OR 东湖) AND (停水 OR 停电) AND NOT 广告" in page
    assert "<mark>幸福小区</mark><mark>停水</mark>" in page  # adjacent spans, each marked
    assert f"/items/{recent[0]}/" in page
    assert f"/items/{recent[1]}/" not in page and f"/items/{recent[2]}/" not in page  # 9 days
    assert AuditEntry.objects.filter(model="alerts.Scheme", action="create").exists()


def test_advanced_syntax_error_shows_where(client: Client, units: dict[str, Unit],
                                           make_user: Callable[..., User]) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    response = client.post("/alerts/schemes/new/", _scheme_post(
        units["district"], mode="advanced", query="停水 AND"))
    assert response.status_code == 200 and not Scheme.objects.exists()
    page = response.content.decode()
    assert "(at character 3)" in page or "3" in page
    assert '<pre class="query-error"' in page and "停水 <mark>" in page
    refused = client.post("/alerts/schemes/new/", _scheme_post(
        units["district"], mode="advanced", query="NOT 广告"))
    assert refused.status_code == 200 and not Scheme.objects.exists()
    empty = client.post("/alerts/schemes/new/", _scheme_post(units["district"]))
    assert empty.status_code == 200 and not Scheme.objects.exists()


def test_preview_without_saving(client: Client, units: dict[str, Unit],
                                make_user: Callable[..., User], recent: list[int]) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    response = client.post("/alerts/schemes/new/", _scheme_post(
        units["district"], mode="advanced", query='"消防车" NEAR/5 赶到', action="preview"))
    assert response.status_code == 200 and not Scheme.objects.exists()
    page = response.content.decode()
    assert "<mark>消防车</mark>及时<mark>赶到</mark>" in page
    assert "消防车 NEAR/5 赶到" in page  # shown back in canonical form


def test_schemes_of_other_units_are_out_of_reach(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    scheme = make_scheme(units["district"], "区级方案", "停水")
    _login(client, make_user, Role.ANALYST, units["street_b"])
    assert client.get(f"/alerts/schemes/{scheme.pk}/").status_code == 404
    assert "区级方案" not in client.get("/alerts/schemes/").content.decode()
    assert client.post(f"/alerts/schemes/{scheme.pk}/delete/").status_code == 404
    refused = client.post("/alerts/schemes/new/", _scheme_post(
        units["district"], mode="advanced", query="停水"))
    assert refused.status_code == 200 and Scheme.objects.count() == 1  # not their unit


def test_viewers_cannot_manage_schemes_or_rules(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    _login(client, make_user, Role.VIEWER, units["district"])
    assert client.get("/alerts/schemes/").status_code == 403
    assert client.get("/alerts/rules/new/").status_code == 403
    assert client.get("/alerts/").status_code == 200


def test_rule_form_resolves_regions_and_checks_its_unit(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    scheme = make_scheme(units["district"], "停水", "停水")
    data = {"unit": str(units["district"].pk), "name": "热度", "kind": "heat",
            "severity": "warning", "enabled": "on", "schemes": [str(scheme.pk)],
            "regions_text": "江夏区\n330108", "min_confidence": "0.6", "burst_of": "any",
            "heat_threshold": "60", "window_minutes": "60", "max_tier_rank": "2"}
    response = client.post("/alerts/rules/new/", data)
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert rule.regions == ["420115", "330108"] and rule.max_tier_rank == 2
    assert list(rule.schemes.all()) == [scheme]
    edit = client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert "420115" in edit
    ambiguous = client.post("/alerts/rules/new/", {**data, "name": "b", "regions_text": "朝阳区"})
    assert ambiguous.status_code == 200 and "110105" in ambiguous.content.decode()
    no_threshold = client.post("/alerts/rules/new/", {**data, "name": "c", "heat_threshold": "",
                                                      "regions_text": ""})
    assert no_threshold.status_code == 200 and AlertRule.objects.count() == 1


def _alerts(units: dict[str, Unit]) -> list[Alert]:
    rule = make_rule(units["district"], AlertRule.Kind.HEAT, name="热度", heat_threshold=1.0)
    now = timezone.now()
    made = []
    for minutes, acknowledged in ((30, False), (20, True), (10, False)):
        made.append(Alert.objects.create(
            unit=units["district"], rule=rule, rule_name=rule.name, kind=rule.kind,
            severity="warning", reason=f"reason {minutes}", subject_key=f"event:{minutes}",
            first_fired=now - dt.timedelta(minutes=minutes),
            last_fired=now - dt.timedelta(minutes=minutes), delivered_at=now,
            acknowledged_at=now if acknowledged else None))
    return made


def test_inbox_puts_unacknowledged_first_and_filters(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User]) -> None:
    *_, new = _alerts(units)
    _login(client, make_user, Role.VIEWER, units["street_a"])
    assert "reason" not in client.get("/alerts/").content.decode()  # the district's
    client.logout()
    _login(client, make_user, Role.VIEWER, units["district"])
    page = client.get("/alerts/").content.decode()
    assert page.index("reason 10") < page.index("reason 30") and "reason 20" not in page
    everything = client.get("/alerts/", {"status": "all"}).content.decode()
    assert everything.index("reason 10") < everything.index("reason 30") < everything.index(
        "reason 20")
    assert "reason 30" not in client.get("/alerts/", {"status": "all", "q": "10"}).content.decode()
    partial = client.get("/alerts/", {"status": "all"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"reason 20" in partial.content
    assert client.post(f"/alerts/{new.pk}/ack/").status_code == 403  # viewers look only


def test_acknowledging(client: Client, units: dict[str, Unit],
                       make_user: Callable[..., User]) -> None:
    *_, new = _alerts(units)
    user = _login(client, make_user, Role.HANDLER, units["district"])
    response = client.post(f"/alerts/{new.pk}/ack/", {"next": "/alerts/?status=all"})
    assert response.status_code == 302 and response["Location"] == "/alerts/?status=all"
    new.refresh_from_db()
    assert new.acknowledged_by == user and new.acknowledged_at is not None
    assert AuditEntry.objects.filter(model="alerts.Alert", action="update",
                                     object_id=str(new.pk)).exists()
    outside = client.post(f"/alerts/{new.pk}/ack/", {"next": "https://evil.example/"})
    assert outside["Location"] == f"/alerts/{new.pk}/"


def test_alert_page_shows_the_matched_words_in_the_item(
        client: Client, source: Source, units: dict[str, Unit],
        make_user: Callable[..., User]) -> None:
    make_scheme(units["district"], "停水", "幸福小区 停水")
    make_rule(units["district"], AlertRule.Kind.NEGATIVE)
    push(source, [("1", WATER, timezone.now())])
    analyse()
    alert = Alert.objects.get()
    _login(client, make_user, Role.ANALYST, units["district"])
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "<mark>幸福小区</mark><mark>停水</mark>三天了" in page
    assert f"/items/{alert.item_id}/" in page and f"/events/{alert.event_id}/" in page
    assert f"/cases/new/?alert={alert.pk}" in page
    client.logout()
    _login(client, make_user, Role.ANALYST, units["street_b"])
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404


def test_scheme_list_counts_recent_matches(
        client: Client, source: Source, units: dict[str, Unit],
        make_user: Callable[..., User]) -> None:
    scheme = make_scheme(units["district"], "停水", "停水")
    now = timezone.now()
    push(source, [("1", WATER, now - dt.timedelta(hours=2)),
                  ("2", WATER + "！", now - dt.timedelta(days=3)),
                  ("3", WATER + "？", now - dt.timedelta(days=10))])
    analyse()
    _login(client, make_user, Role.ANALYST, units["district"])
    response = client.get("/alerts/schemes/")
    assert response.context["rows"] == [(scheme, 1, 2)]

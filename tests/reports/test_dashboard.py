"""The dashboard: figures per unit scope, panels of the other apps, the page and its refresh."""

from __future__ import annotations

import json
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.reports.conftest import World, at
from yuqing.alerts.models import Scheme, SchemeHour
from yuqing.analysis.save import hour_of
from yuqing.cases.defaults import ensure_defaults
from yuqing.cases.models import Case, CaseLevel, Status
from yuqing.collect.models import Source
from yuqing.collect.sources.health import Health
from yuqing.reports import dashboard, scope
from yuqing.reports.figures import Trend

pytestmark = pytest.mark.django_db

#: Three days back from now: the fixture's day and the day before it are in it.
HOURS = 72


def build(world: World, unit: str | None, hours: int = HOURS) -> dashboard.Dashboard:
    chosen = scope.of_unit(world.units[unit] if unit else None)
    with translation.override("en"):
        return dashboard.build(world.analyst, chosen, hours)


def test_volume_tone_and_events_of_the_district(world: World) -> None:
    data = build(world, "district")
    # Every post of the fixture is less than three days old.
    assert data.volume.total == len(world.items) == 17
    assert sum(data.volume.by_tone.values()) == data.volume.total
    assert data.volume.by_platform == {"forum": 12, "news": 4, "weibo": 1}
    water = world.event_of("w1")
    top = data.events[0]
    assert top.event.pk == water and top.trend.current == 13
    platform = data.charts["volume_platform"]
    assert len(platform.labels) == HOURS
    assert sum(sum(s.values) for s in platform.series) == data.volume.total
    assert [s.name for s in data.charts["tone_share"].series] == ["negative", "neutral",
                                                                  "positive"]
    assert data.provinces[0].name == "浙江省" and data.provinces[0].items == data.volume.total
    assert data.cities[0].name == "浙江省杭州市"


def test_a_street_sees_only_its_own_sources(world: World) -> None:
    data = build(world, "street_b")
    assert data.volume.total == 4 and set(data.volume.by_platform) == {"news"}
    assert {row.event.pk for row in data.events} == {world.event_of("f1"),
                                                     world.event_of("n1")}
    assert [problem.source.name for problem in data.sources.problems] == []
    assert data.sources.total == 1


def test_trend_compares_with_the_window_before(world: World) -> None:
    now = at(world.day, 23)
    data = dashboard.build(world.analyst, scope.of_unit(world.units["district"]), 24, now)
    # 24 hours to 23:59 of the day against the 24 hours before: two posts the day before.
    assert data.trend.current == 15 and data.trend.previous == 2
    assert data.trend.direction == "up"
    assert Trend(10, 10).direction == "flat" and Trend(5, 20).direction == "down"
    assert Trend(3, 0).percent is None and Trend(5, 20).amount == 75


def test_schemes_cases_and_source_health(world: World) -> None:
    district = world.units["district"]
    scheme = Scheme.objects.create(unit=district, name="停水监测", query="停水")
    SchemeHour.objects.create(scheme=scheme, hour=hour_of(timezone.now()), items=7)
    SchemeHour.objects.create(scheme=scheme, hour=hour_of(timezone.now()) - timedelta(hours=30),
                              items=2)
    ensure_defaults()
    level = CaseLevel.objects.get(rank=3)
    now = timezone.now()
    overdue = Case.objects.create(title="幸福小区停水", level=level, unit=world.units["street_a"],
                                  respond_due=now - timedelta(hours=1),
                                  resolve_due=now + timedelta(days=2), opened_at=now)
    Case.objects.create(title="已办结", level=level, unit=world.units["street_a"],
                        status=Status.RESOLVED, respond_due=now, resolve_due=now)
    Source.objects.create(name="停用的源", platform="news", unit=district, enabled=False)
    data = dashboard.build(world.analyst, scope.of_unit(district), 24)
    assert [(row.scheme.name, row.trend.current, row.trend.previous)
            for row in data.schemes] == [("停水监测", 7, 2)]
    assert data.cases is not None and data.cases.open == 1
    assert data.cases.respond_overdue == 1 and data.cases.deadlines[0].case == overdue
    assert data.cases.deadlines[0].overdue
    assert dict(data.sources.counts)[Health.DISABLED] == 1 and data.sources.total == 4


def test_page_draws_charts_and_refreshes_itself(world: World, client: Client) -> None:
    client.force_login(world.analyst)
    page = client.get("/reports/dashboard/", {"hours": HOURS})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 60s"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert html.count("<canvas data-chart=") == 5
    assert "<script>" not in html and "style=" not in html
    start = html.index('data-chart="') + len('data-chart="')
    spec = json.loads(unescape(html[start:html.index('"', start)]))
    assert spec["kind"] == "stacked" and len(spec["labels"]) == HOURS
    fragment = client.get("/reports/dashboard/", {"hours": HOURS, "unit": "street-b"},
                          headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="dashboard"')
    assert "unit=street-b" in body  # it keeps polling the same scope


def test_a_street_user_cannot_look_at_the_district(world: World, client: Client) -> None:
    client.force_login(world.street_b_viewer)
    html = client.get("/reports/dashboard/", {"unit": "district", "hours": HOURS}) \
        .content.decode()
    assert "西湖街道" in html and 'value="district"' not in html
    assert '<span class="kpi-value">4</span>' in html  # the street's four posts, no more


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get("/reports/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]

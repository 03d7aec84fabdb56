"""The event page's panels: timeline, curves, key sources, keywords, regions, repost tree,
cases and rumour matches — for the reader's units only.

``test_the_event_page_shows_the_panels`` goes through the real view, so it needs
``analysis.views._event_context`` to add ``"insight": eventpage.insight(user, event)``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.reports.conftest import WATER, World
from yuqing.analysis.models import Event
from yuqing.cases.defaults import ensure_defaults
from yuqing.cases.models import Case, CaseEvent, CaseLevel
from yuqing.reports import eventpage
from yuqing.rumours.models import Debunk, RumourMatch

pytestmark = pytest.mark.django_db


def water(world: World) -> Event:
    return Event.objects.get(pk=world.event_of("w1"))


def test_timeline_starts_with_the_first_report_and_names_each_tier(world: World) -> None:
    with translation.override("en"):
        marks = eventpage.insight(world.analyst, water(world)).timeline
    first = marks[0]
    assert first.kind == "first" and first.item is not None
    assert first.item.pk == world.items["w0"] and "东湖论坛" in first.text
    tiers = [m for m in marks if m.kind == "tier"]
    # 省级/地方媒体 (rank 2) before 政务账号 (rank 3); the forum's tier opened the timeline.
    assert [m.item.pk for m in tiers if m.item] == [world.items["n1"], world.items["g1"]]
    assert {"peak", "latest"} <= {m.kind for m in marks}
    assert [m.time for m in marks] == sorted(m.time for m in marks)


def test_curves_sources_keywords_and_regions(world: World) -> None:
    insight = eventpage.insight(world.analyst, water(world))
    volume = insight.charts["event_volume"]
    assert sum(volume.series[0].values) == 13
    tone = insight.charts["event_tone"]
    assert [sum(s.values) for s in tone.series] == [
        water(world).negative, water(world).neutral, water(world).positive]
    assert [row.source.name for row in insight.key_sources] == ["西湖日报", "滨江发布",
                                                                "东湖论坛"]
    assert insight.key_sources[2].items == 11
    words = [w for w, _score in insight.keywords]
    assert "停水" in words and "物业" in words
    assert insight.regions[0].name == "浙江省杭州市" and insight.regions[0].items == 13


def test_repost_tree_follows_parent_links(world: World) -> None:
    tree = eventpage.insight(world.analyst, water(world)).repost_tree
    assert len(tree) == 1
    root = tree[0]
    assert root.item is not None and root.item.pk == world.items["w1"] and root.reposts == 4
    r2, r1 = root.children
    assert r2.item is not None and r2.item.pk == world.items["r2"] and r2.reposts == 2
    assert {c.item.pk for c in r2.children if c.item} == {world.items["r3"], world.items["r4"]}
    assert r1.reposts == 0 and r1.children == []


def test_a_street_sees_its_own_posts_only(world: World) -> None:
    insight = eventpage.insight(world.street_b_viewer, water(world))
    assert [row.source.name for row in insight.key_sources] == ["西湖日报"]
    assert insight.repost_tree == []
    first = next(m for m in insight.timeline if m.kind == "first")
    assert first.item is not None and first.item.pk == world.items["n1"]
    # The curves are about the event as a whole (public posts), as on the event list.
    assert sum(insight.charts["event_volume"].series[0].values) == 13


def test_related_cases_and_rumour_matches(world: World) -> None:
    ensure_defaults()
    now = timezone.now()
    case = Case.objects.create(title="幸福小区停水处置", level=CaseLevel.objects.get(rank=3),
                               unit=world.units["street_a"], respond_due=now + timedelta(hours=2),
                               resolve_due=now + timedelta(days=2))
    CaseEvent.objects.create(case=case, event=water(world))
    debunk = Debunk.objects.create(claim="幸福小区停水是因为水源被污染", verdict="false")
    RumourMatch.objects.create(item=world.item("w2"), debunk=debunk, score=0.82,
                               wording=debunk.claim)
    insight = eventpage.insight(world.analyst, water(world))
    assert insight.cases == [case]
    assert [(m.item_id, m.debunk.claim) for m in insight.rumours or []] == [
        (world.items["w2"], debunk.claim)]


def test_the_event_page_shows_the_panels(world: World, client: Client) -> None:
    client.force_login(world.analyst)
    html = client.get(f"/events/{world.event_of('w1')}/").content.decode()
    assert html.count("<canvas data-chart=") == 3
    assert 'class="timeline"' in html and 'class="repost-tree"' in html
    assert "停水" in html.split('class="keywords"')[1].split("</ul>")[0]
    assert f"/reports/new/?kind=flash&amp;event={world.event_of('w1')}" in html
    assert WATER[:10] in html and "style=" not in html

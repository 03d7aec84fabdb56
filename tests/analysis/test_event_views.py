"""Analysts' views of the analysis: events, merge, split, rename, label corrections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from tests.analysis.test_pipeline import CONCERT, FIRE, START, WATER, WATER_RELATED, _ingest
from tests.conftest import PASSWORD
from yuqing.analysis import runner
from yuqing.analysis.models import Event, ItemAnalysis, LabelCorrection, Story
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import CredibilityTier, Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


@pytest.fixture(autouse=True)
def _fresh_context() -> None:
    runner.invalidate()


@pytest.fixture
def analysed(source: Source) -> dict[str, int]:
    ids = _ingest(source, [("w1", WATER, START),
                           ("w2", WATER_RELATED, START + dt.timedelta(hours=1)),
                           ("f1", FIRE, START + dt.timedelta(hours=2))])
    runner.analyse_pending()
    rows = dict(ItemAnalysis.objects.values_list("item_id", "event_id"))
    return {"water": rows[ids[0]], "water_related_item": ids[1], "fire": rows[ids[2]],
            "water_item": ids[0], "fire_item": ids[2]}


def _login(client: Client, make_user: Callable[..., User], role: Role, unit: Unit) -> User:
    user = make_user(f"u-{role}-{unit.code}", role, unit)
    client.login(username=user.username, password=PASSWORD)
    return user


def test_event_list_and_detail(client: Client, units: dict[str, Unit],
                               make_user: Callable[..., User], analysed: dict[str, int]) -> None:
    _login(client, make_user, Role.VIEWER, units["district"])
    page = client.get("/events/", {"min_items": 1}).content.decode()
    assert Event.objects.get(pk=analysed["water"]).title[:10] in page
    detail = client.get(f"/events/{analysed['water']}/").content.decode()
    assert "幸福小区" in detail
    assert "/merge/" not in detail and "/move/" not in detail  # viewers get no edit forms
    assert client.post(f"/events/{analysed['water']}/rename/", {"title": "x"}).status_code == 403


def test_events_of_other_units_are_hidden(client: Client, units: dict[str, Unit],
                                          make_user: Callable[..., User],
                                          analysed: dict[str, int]) -> None:
    _login(client, make_user, Role.ANALYST, units["street_b"])
    assert client.get(f"/events/{analysed['water']}/").status_code == 404
    assert "幸福小区" not in client.get("/events/", {"min_items": 1}).content.decode()


def test_merge_then_new_posts_follow_the_merge(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User],
        analysed: dict[str, int], source: Source) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    response = client.post(f"/events/{analysed['fire']}/merge/", {"target": analysed["water"]})
    assert response.status_code == 302
    fire = Event.objects.get(pk=analysed["fire"])
    water = Event.objects.get(pk=analysed["water"])
    assert fire.merged_into_id == water.pk and water.items == 3 and fire.items == 0
    assert client.get(f"/events/{fire.pk}/")["Location"].endswith(f"/events/{water.pk}/")
    # A later post about the fire joins the event it was merged into.
    _ingest(source, [("f2", FIRE + "，现场已清理完毕", START + dt.timedelta(hours=3))])
    runner.analyse_pending()
    assert ItemAnalysis.objects.get(item__external_id="f2").event_id == water.pk
    assert AuditEntry.objects.filter(object_id=str(fire.pk), model="analysis.Event").exists()


def test_split_is_kept_by_the_pipeline(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User],
        analysed: dict[str, int], source: Source) -> None:
    _login(client, make_user, Role.ANALYST, units["district"])
    story = ItemAnalysis.objects.get(item_id=analysed["water_related_item"]).story_id
    response = client.post(f"/events/{analysed['water']}/move/",
                           {"stories": [story], "title": "物业纠纷"})
    assert response.status_code == 302
    new = Event.objects.get(title="物业纠纷")
    assert Story.objects.get(id=story).pinned
    assert Event.objects.get(pk=analysed["water"]).items == 1 and new.items == 1
    # A copy of the moved story stays with it, not with the old event.
    _ingest(source, [("w3", WATER_RELATED, START + dt.timedelta(hours=4))])
    runner.analyse_pending()
    assert ItemAnalysis.objects.get(item__external_id="w3").event_id == new.pk


def test_label_correction_is_kept_shown_and_audited(
        client: Client, units: dict[str, Unit], make_user: Callable[..., User],
        analysed: dict[str, int]) -> None:
    user = _login(client, make_user, Role.ANALYST, units["district"])
    item = analysed["water_item"]
    response = client.post(f"/events/items/{item}/correct/", {"tone": "negative",
                                                               "emotion": "angry"})
    assert response.status_code == 302
    fixes = {c.task: (c.label, c.user_id) for c in LabelCorrection.objects.filter(item=item)}
    assert fixes == {"tone": ("negative", user.pk), "emotion": ("angry", user.pk)}
    page = client.get(f"/items/{item}/").content.decode()
    assert "corrected by" in page or "更正" in page
    assert AuditEntry.objects.filter(object_id=str(item), details__correction__tone="negative")


def test_viewers_cannot_correct(client: Client, units: dict[str, Unit],
                                make_user: Callable[..., User], analysed: dict[str, int]) -> None:
    _login(client, make_user, Role.VIEWER, units["district"])
    item = analysed["water_item"]
    assert client.post(f"/events/items/{item}/correct/", {"tone": "positive"}).status_code == 403
    assert not LabelCorrection.objects.exists()


def test_item_page_names_the_model(client: Client, units: dict[str, Unit],
                                   make_user: Callable[..., User],
                                   analysed: dict[str, int]) -> None:
    _login(client, make_user, Role.VIEWER, units["district"])
    page = client.get(f"/items/{analysed['fire_item']}/").content.decode()
    assert "lexicon:zh-1" in page


def test_heat_uses_tier(source: Source) -> None:
    quiet = Source.objects.create(name="某论坛", platform="forum", kind="site",
                                  unit=source.unit, tier=CredibilityTier.objects.order_by(
                                      "-rank").first())
    _ingest(source, [("a", CONCERT, START)], reposts=100)
    _ingest(quiet, [("b", CONCERT + "！", START)], reposts=100)
    runner.analyse_pending()
    by_source = {a.item.source_id: a.heat for a in ItemAnalysis.objects.select_related("item")}
    assert by_source[source.pk] > by_source[quiet.pk] > 0
    assert Item.objects.count() == 2

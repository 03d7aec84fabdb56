"""Matching inside the analysis pipeline: matches per batch, idempotence, reviews that teach
the matcher, the API alert rules read, and the job that checks older items against new
entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.rumours.conftest import CONCERT, LOCKDOWN, START, WATER
from yuqing.analysis import runner
from yuqing.analysis.models import ItemAnalysis, Pending
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role
from yuqing.rumours import actions, backfill, engine, hook
from yuqing.rumours.api import matches_for
from yuqing.rumours.models import Debunk, RumourMatch, Variant, Verdict

REPEAT = "紧急扩散！滨江区自来水厂被污染了，大家千万别喝自来水，喝了会中毒！"
TOPIC = "滨江区自来水厂今天开放参观，市民可以了解净水工艺"
REFUTE = "辟谣：网传滨江区自来水厂被污染、喝了会中毒的说法不实，水质检测全部合格"
OTHER = "周末带孩子去滨江公园放风筝，天气很好"

Analyse = Callable[..., list[int]]
Entry = Callable[..., Debunk]


@pytest.fixture
def analyst(make_user: Callable[..., User], units: dict[str, Any]) -> User:
    return make_user("analyst", Role.ANALYST, units["district"])


def _pairs() -> set[tuple[int, int]]:
    return set(RumourMatch.objects.values_list("item_id", "debunk_id"))


def test_analysed_items_are_matched_with_passages(analyse: Analyse, entry: Entry) -> None:
    water, lockdown = entry(WATER), entry(LOCKDOWN)
    repeat, _topic, refute, _other = analyse([REPEAT, TOPIC, REFUTE, OTHER])
    assert _pairs() == {(repeat, water.pk), (refute, water.pk)}
    match = RumourMatch.objects.get(item_id=repeat)
    assert match.status == RumourMatch.Status.PENDING and match.score >= 0.7
    assert not match.refutes and RumourMatch.objects.get(item_id=refute).refutes
    assert match.wording == WATER
    item = Item.objects.get(pk=repeat)
    shared = [item.text[a:b] for a, b, _c, _d in match.passages]
    assert "滨江区自来水厂被污染" in shared
    assert all(item.text[a:b] == WATER[c:d] for a, b, c, d in match.passages)
    assert AuditEntry.objects.filter(model="rumours.RumourMatch", action="create").exists()
    assert lockdown.matches.count() == 0


def test_matching_is_idempotent_and_follows_changed_text(analyse: Analyse, entry: Entry,
                                                          analyst: User) -> None:
    water = entry(WATER)
    [item, other] = analyse([REPEAT, "家人群里都在传：滨江区自来水厂被污染，喝了会中毒，大家小心"])
    first = RumourMatch.objects.get(item_id=item)
    Pending.objects.create(item_id=item, queued_at=timezone.now())  # analysed once more
    runner.analyse_pending()
    assert RumourMatch.objects.get(item_id=item).pk == first.pk
    # Re-analysed after an edit, an item no longer matching loses its pending match; a
    # reviewed match is a decision, kept whatever the post becomes. (Through the hook's
    # store step: the pipeline re-analyses an edited item the same way.)
    actions.review(analyst, RumourMatch.objects.get(item_id=other),
                   RumourMatch.Status.CONFIRMED)
    assert hook.store([(item, item, [], OTHER), (other, other, [], OTHER)],
                      replace_pending=True) == 0
    assert list(RumourMatch.objects.values_list("item_id", "debunk_id", "status")) == [
        (other, water.pk, "confirmed")]


def test_true_and_unproven_entries_are_context_not_rumours(analyse: Analyse,
                                                           entry: Entry) -> None:
    concert = entry(CONCERT, Verdict.TRUE)
    water = entry(WATER, Verdict.MISLEADING)
    [repeat, fan] = analyse([REPEAT, "好消息！滨江体育中心周末举办演唱会，大家一起去"])
    assert _pairs() == {(repeat, water.pk), (fan, concert.pk)}
    found = matches_for([repeat, fan, 999_999])
    assert list(found) == [repeat]
    assert found[repeat][0].debunk.claim == WATER


def test_confirming_teaches_a_wording(analyse: Analyse, entry: Entry, analyst: User) -> None:
    water = entry(WATER)
    [first] = analyse(["紧急扩散！滨江区自来水厂被污染了，自来水有毒千万别喝，"
                       "家里有老人小孩的喝了会中毒！"])
    later = "滨江水厂被污染了！自来水有毒千万别喝，家里有老人小孩的喝了会生病"
    assert engine.current_index().match([later]) == [[]]  # too far from the claim alone
    match = RumourMatch.objects.get(item_id=first)
    assert actions.review(analyst, match, RumourMatch.Status.CONFIRMED) == 1
    variant = Variant.objects.get(debunk=water)
    assert variant.text == "滨江区自来水厂被污染了，自来水有毒千万别喝，家里有老人小孩的喝了会中毒"
    assert variant.match == match
    [second] = analyse([later])
    found = RumourMatch.objects.get(item_id=second)
    assert found.debunk == water and found.wording == variant.text
    assert matches_for([first])[first][0].status == RumourMatch.Status.CONFIRMED
    # Rejected after all: the wording is forgotten.
    actions.review(analyst, match, RumourMatch.Status.REJECTED)
    assert not Variant.objects.exists()


def test_rejecting_a_story_keeps_its_copies_from_matching(analyse: Analyse, entry: Entry,
                                                          analyst: User) -> None:
    water = entry(WATER)
    [original, copy] = analyse([REPEAT, REPEAT + "！！"])
    assert ItemAnalysis.objects.get(item_id=copy).story_id == original
    match = RumourMatch.objects.get(item_id=original)
    assert actions.review(analyst, match, RumourMatch.Status.REJECTED) == 2  # with its copy
    assert set(RumourMatch.objects.values_list("status", flat=True)) == {"rejected"}
    [repost] = analyse([REPEAT + "//@某网友:转发"], when=START + dt.timedelta(minutes=5))
    assert ItemAnalysis.objects.get(item_id=repost).story_id == original
    assert not RumourMatch.objects.filter(item_id=repost).exists()
    assert matches_for([original, copy]) == {}
    # Changing one's mind: confirmed, the story matches again.
    actions.review(analyst, match, RumourMatch.Status.CONFIRMED)
    assert matches_for([original])[original][0].debunk == water


def test_new_entries_are_checked_against_recent_items(analyse: Analyse, entry: Entry,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    now = dt.datetime.now(dt.UTC)
    [recent, old] = analyse([REPEAT, REPEAT + "（旧帖）"], when=now - dt.timedelta(days=1))
    Item.objects.filter(pk=old).update(published_at=now - dt.timedelta(days=30))
    water = entry(WATER)
    assert not RumourMatch.objects.exists()  # analysed before the entry existed
    assert backfill.backfill() == 1
    assert _pairs() == {(recent, water.pk)}
    water.refresh_from_db()
    assert water.backfilled_at is not None
    assert backfill.backfill() == 0  # done once
    monkeypatch.setenv("YUQING_RUMOUR_BACKFILL_DAYS", "0")
    late = entry(LOCKDOWN)
    assert backfill.backfill() == 0
    late.refresh_from_db()
    assert late.backfilled_at is not None


def test_settings_and_base_changes_reach_the_cached_index(analyse: Analyse, entry: Entry,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    water = entry(WATER)
    first = engine.current_index()
    assert engine.current_index() is first
    water.claim = WATER + "了"
    water.save()
    second = engine.current_index()
    assert second is not first and second.wordings[0].text == WATER + "了"
    monkeypatch.setenv("YUQING_RUMOUR_THRESHOLD", "99")
    [item] = analyse(["滨江区自来水厂被污染"])
    assert not RumourMatch.objects.filter(item_id=item).exists()
    monkeypatch.setenv("YUQING_RUMOUR_BACKGROUND_ITEMS", "0")  # weights from the entries only
    third = engine.current_index()
    assert engine.current_index() is third
    water.active = False
    water.save()
    assert len(engine.current_index()) == 0

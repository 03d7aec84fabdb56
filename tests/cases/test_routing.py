"""Routing rules: ascending priority, first match wins, categories match their subtree,
regions by code prefix; the case says which rule routed it."""

from __future__ import annotations

import pytest

from tests.cases.conftest import BINJIANG, World
from yuqing.cases import actions, routing
from yuqing.cases.models import ActionKind, CaseLevel, Category, RoutingRule

pytestmark = pytest.mark.django_db


def level(rank: int = 3) -> CaseLevel:
    return CaseLevel.objects.get(rank=rank)


def test_the_first_matching_rule_by_priority_wins(world: World) -> None:
    # 施工管理 is below 城市管理: the street's rule (priority 10) matches before the district's.
    assert routing.choose(world.noise, BINJIANG) == world.rule_a
    assert routing.choose(world.city, BINJIANG) == world.rule_a
    # Another category in the same city: only the district's catch-all matches.
    other = Category.objects.get(name="教育")
    assert routing.choose(other, BINJIANG) == world.rule_district
    assert routing.choose(None, "330106") == world.rule_district
    # Outside the city, or no region: nothing matches.
    assert routing.choose(world.noise, "440305") is None
    assert routing.choose(world.noise, "") is None


def test_priority_not_creation_order_decides(world: World) -> None:
    first = RoutingRule.objects.create(name="全市城市管理", priority=5, category=world.city,
                                       region_prefix="33", unit=world.units["street_b"])
    assert routing.choose(world.noise, BINJIANG) == first
    first.enabled = False
    first.save()
    assert routing.choose(world.noise, BINJIANG) == world.rule_a


def test_opening_routes_and_records_the_rule(world: World) -> None:
    case = actions.open_case(world.analyst, title="东湖路夜间施工噪音扰民", level=level(),
                             category=world.noise, region_code=BINJIANG)
    assert case.unit == world.units["street_a"]
    assert case.routed_by == world.rule_a
    assert case.opened_unit == world.units["district"]
    entry = case.timeline.get(kind=ActionKind.ROUTING)
    assert entry.details["rule_name"] == "东湖片区城市管理"
    assert entry.user == world.analyst


def test_no_rule_falls_back_to_the_origin_then_the_opener(world: World) -> None:
    by_origin = actions.open_case(world.analyst, title="外地事项", level=level(),
                                  category=None, region_code="440305",
                                  fallback_unit=world.units["street_b"])
    assert (by_origin.unit, by_origin.routed_by) == (world.units["street_b"], None)
    by_opener = actions.open_case(world.analyst, title="外地事项", level=level(),
                                  category=None)
    assert by_opener.unit == world.units["district"]


def test_a_unit_chosen_by_hand_overrides_the_rules(world: World) -> None:
    case = actions.open_case(world.analyst, title="东湖路施工", level=level(),
                             category=world.noise, region_code=BINJIANG,
                             unit=world.units["street_b"])
    assert (case.unit, case.routed_by) == (world.units["street_b"], None)


def test_rerouting_applies_changed_rules_and_drops_the_old_assignee(world: World) -> None:
    case = actions.open_case(world.analyst, title="东湖路施工", level=level(),
                             category=world.noise, region_code=BINJIANG)
    actions.assign(world.analyst, case, world.handler_a)
    assert actions.reroute(world.analyst, case) is False  # same rules, same unit
    world.rule_a.unit = world.units["street_b"]
    world.rule_a.save()
    assert actions.reroute(world.analyst, case) is True
    case.refresh_from_db()
    assert case.unit == world.units["street_b"]
    assert case.assignee is None
    assert case.timeline.filter(kind=ActionKind.ROUTING).count() == 2


def test_the_assignee_must_handle_cases_in_the_responsible_unit(world: World) -> None:
    case = actions.open_case(world.analyst, title="东湖路施工", level=level(),
                             category=world.noise, region_code=BINJIANG)
    with pytest.raises(actions.CaseError):
        actions.assign(world.analyst, case, world.handler_b)  # another street
    with pytest.raises(actions.CaseError):
        actions.assign(world.analyst, case, world.viewer_a)  # cannot handle
    actions.assign(world.analyst, case, world.handler_a)
    assert case.timeline.get(kind=ActionKind.ASSIGNMENT).details["assignee_name"] == "handler-a"


def test_moving_a_category_moves_its_subtree(world: World) -> None:
    other = Category.objects.get(name="民生保障", parent=None)
    world.noise.parent = other
    world.noise.save()
    world.noise.refresh_from_db()
    assert world.noise.path.startswith(other.path)
    assert world.noise.label() == "民生保障 / 施工管理"
    # No longer below 城市管理: the street's rule does not apply any more.
    assert routing.choose(world.noise, BINJIANG) == world.rule_district

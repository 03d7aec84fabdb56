"""The status flow: only its steps, each by whom it belongs to, with the times it sets."""

from __future__ import annotations

import pytest

from tests.cases.conftest import BINJIANG, World
from yuqing.cases import actions, flow
from yuqing.cases.models import ActionKind, Case, CaseLevel, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world: World) -> Case:
    return actions.open_case(world.analyst, title="东湖路夜间施工噪音扰民",
                             level=CaseLevel.objects.get(rank=3), category=world.noise,
                             region_code=BINJIANG)


def test_the_whole_way_from_new_to_archived(world: World, case: Case) -> None:
    handler = world.handler_a
    actions.transition(handler, case, Status.ASSESSING)
    actions.record_action(handler, case, ActionKind.FACT, "现场核实：施工单位夜间作业未办许可。")
    actions.transition(handler, case, Status.HANDLING)
    actions.record_action(world.leader, case, ActionKind.INSTRUCTION, "请街道当日回应。")
    actions.record_action(handler, case, ActionKind.STATEMENT, "街道发布情况通报。",
                          link="https://example.gov.cn/notice/1")
    case.refresh_from_db()
    assert case.responded_at is not None  # the first statement is the first response
    actions.transition(handler, case, Status.RESPONDED)
    actions.record_action(handler, case, ActionKind.COMPLAINT, "施工已调整至白天。")
    actions.transition(handler, case, Status.RESOLVED)
    assert case.resolved_at is not None
    actions.transition(world.analyst, case, Status.ARCHIVED)
    assert case.archived_at is not None
    statuses = [(e.details["source"], e.details["target"])
                for e in case.timeline.filter(kind=ActionKind.STATUS)]
    assert statuses == [("new", "assessing"), ("assessing", "handling"),
                        ("handling", "responded"), ("responded", "resolved"),
                        ("resolved", "archived")]
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds[:2] == [ActionKind.OPENED, ActionKind.ROUTING]
    assert {ActionKind.FACT, ActionKind.INSTRUCTION, ActionKind.STATEMENT,
            ActionKind.COMPLAINT} <= set(kinds)
    with pytest.raises(actions.CaseError):
        actions.record_action(handler, case, ActionKind.NOTE, "归档后不能再记录。")


@pytest.mark.parametrize("target", [Status.HANDLING, Status.RESPONDED, Status.RESOLVED])
def test_steps_cannot_be_skipped(world: World, case: Case, target: Status) -> None:
    with pytest.raises(actions.CaseError):
        actions.transition(world.handler_a, case, target)
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_every_listed_move_goes_forward_or_states_why() -> None:
    order = list(Status)
    for move in flow.MOVES:
        backwards = order.index(move.target) < order.index(move.source)
        early_archive = move.target == Status.ARCHIVED and move.source != Status.RESOLVED
        assert move.needs_reason == (backwards or early_archive), move


def test_only_the_responsible_line_handles(world: World, case: Case) -> None:
    with pytest.raises(actions.CaseError):
        actions.transition(world.handler_b, case, Status.ASSESSING)  # the other street
    with pytest.raises(actions.CaseError):
        actions.transition(world.leader, case, Status.ASSESSING)  # leaders instruct only
    actions.transition(world.analyst, case, Status.ASSESSING)  # the district is above
    with pytest.raises(actions.CaseError):
        actions.record_action(world.handler_b, case, ActionKind.NOTE, "不是本街道的事。")
    with pytest.raises(actions.CaseError):
        actions.record_action(world.leader, case, ActionKind.NOTE, "领导不记工作记录。")


def test_archiving_is_the_opening_office_s_call_and_needs_a_reason(world: World,
                                                                  case: Case) -> None:
    with pytest.raises(actions.CaseError):
        actions.transition(world.handler_a, case, Status.ARCHIVED, "不是舆情")  # no cases.open
    with pytest.raises(actions.CaseError):
        actions.transition(world.analyst, case, Status.ARCHIVED)  # no reason
    actions.transition(world.analyst, case, Status.ARCHIVED, "经核实为重复信息。")
    assert case.timeline.get(kind=ActionKind.STATUS).text == "经核实为重复信息。"


def test_reopening_a_resolved_case_clears_its_resolution(world: World, case: Case) -> None:
    for target in (Status.ASSESSING, Status.HANDLING, Status.RESPONDED, Status.RESOLVED):
        actions.transition(world.handler_a, case, target)
    responded = case.responded_at
    actions.transition(world.handler_a, case, Status.HANDLING, "问题反弹，再次处置。")
    case.refresh_from_db()
    assert case.resolved_at is None
    assert case.responded_at == responded


def test_a_statement_needs_its_link(world: World, case: Case) -> None:
    with pytest.raises(actions.CaseError):
        actions.record_action(world.handler_a, case, ActionKind.STATEMENT, "已发布通报。")


def test_a_new_level_brings_its_deadlines(world: World, case: Case) -> None:
    level_one = CaseLevel.objects.get(rank=1)
    changed = actions.update_case(world.analyst, case, level=level_one, title=case.title)
    assert changed == ["level"]
    case.refresh_from_db()
    assert case.respond_due == case.opened_at + level_one.respond_within
    assert case.resolve_due == case.opened_at + level_one.resolve_within
    assert case.timeline.filter(kind=ActionKind.LEVEL).count() == 1

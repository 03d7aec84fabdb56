"""Deadlines per level; the job marks each missed one once, writes it on the timeline and
queues notices to the responsible unit and the unit above it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.cases.conftest import BINJIANG, World
from yuqing.cases import actions, sla
from yuqing.cases.models import ActionKind, Case, CaseLevel, Status
from yuqing.notify.models import Channel, Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(world: World) -> dict[str, Channel]:
    return {key: Channel.objects.create(name=f"{key} robot", kind="webhook",
                                        unit=world.units[key])
            for key in ("street_a", "district", "street_b")}


def open_case(world: World, rank: int = 2) -> Case:
    case = actions.open_case(world.analyst, title="东湖路夜间施工噪音扰民",
                             level=CaseLevel.objects.get(rank=rank), category=world.noise,
                             region_code=BINJIANG)
    actions.assign(world.analyst, case, world.handler_a)
    return case


def test_deadlines_follow_the_level(world: World) -> None:
    case = open_case(world, rank=2)
    level = CaseLevel.objects.get(rank=2)
    assert case.respond_due - case.opened_at == level.respond_within == timedelta(hours=3)
    assert case.resolve_due - case.opened_at == level.resolve_within


def test_a_missed_first_response_is_escalated_once(world: World,
                                                   channels: dict[str, Channel]) -> None:
    case = open_case(world)
    Delivery.objects.all().delete()  # the routing and assignment notices
    Notification.objects.all().delete()
    assert sla.escalate_overdue(case.respond_due - timedelta(minutes=1)) == 0

    later = case.respond_due + timedelta(minutes=5)
    with translation.override("en"):
        assert sla.escalate_overdue(later) == 1
    case.refresh_from_db()
    assert case.respond_breached_at == later
    entry = case.timeline.get(kind=ActionKind.OVERDUE)
    assert entry.details["deadline"] == "respond_due"
    assert entry.user is None
    # The street (responsible) and the district (above it); not the other street.
    sent = Delivery.objects.filter(key__contains=":overdue:respond_due")
    assert sorted(d.channel.unit.code for d in sent) == ["district", "street-a"]
    assert all(d.severity == "critical" for d in sent)  # level II
    assert all(case.number in d.title and d.url.endswith(f"/cases/{case.pk}/") for d in sent)
    assert "5 min" in sent[0].body
    # In the app: the assignee and the analyst who opened it.
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "handler-a", "wangfang"}

    # Later runs (or a second worker) do not escalate it again.
    assert sla.escalate_overdue(later + timedelta(minutes=1)) == 0
    assert Delivery.objects.filter(key__contains=":overdue:").count() == 2


def test_resolution_is_its_own_deadline(world: World, channels: dict[str, Channel]) -> None:
    case = open_case(world)
    actions.record_action(world.handler_a, case, ActionKind.STATEMENT, "发布通报。",
                          link="https://example.gov.cn/n/2")
    assert sla.escalate_overdue(case.respond_due + timedelta(hours=1)) == 0  # responded
    assert sla.escalate_overdue(case.resolve_due + timedelta(hours=1)) == 1
    case.refresh_from_db()
    assert case.resolve_breached_at is not None and case.respond_breached_at is None


def test_met_and_archived_cases_are_left_alone(world: World) -> None:
    resolved = open_case(world)
    for target in (Status.ASSESSING, Status.HANDLING, Status.RESPONDED, Status.RESOLVED):
        actions.transition(world.handler_a, resolved, target)
    archived = open_case(world)
    actions.transition(world.analyst, archived, Status.ARCHIVED, "重复")
    far = timezone.now() + timedelta(days=60)
    assert sla.escalate_overdue(far) == 0


def test_extending_the_deadline_clears_the_overdue_mark(world: World) -> None:
    case = open_case(world, rank=1)
    sla.escalate_overdue(case.respond_due + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.respond_breached_at is not None
    CaseLevel.objects.filter(rank=4).update(respond_within=timedelta(days=30))
    actions.update_case(world.analyst, case, level=CaseLevel.objects.get(rank=4))
    case.refresh_from_db()
    assert case.respond_breached_at is None

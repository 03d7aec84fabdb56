"""Case pages: who sees what (404 otherwise), opening from an alert, event or item, handling
through the forms, and the audit log of every view, change and download."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.cases.conftest import BINJIANG, World, analyse, make_alert, make_event
from yuqing.audit.models import AuditEntry
from yuqing.cases import actions
from yuqing.cases.models import ActionKind, Case, CaseLevel, Status
from yuqing.collect.models import Item
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(world: World, make_item: Callable[..., Item]) -> Case:
    item = make_item(world.source_a, title="东湖路工地夜里还在施工",
                     text="凌晨两点还在打桩，吵得没法睡。")
    return actions.open_case(world.analyst, title="东湖路夜间施工噪音扰民",
                             level=CaseLevel.objects.get(rank=3), category=world.noise,
                             region_code=BINJIANG, items=[item])


def urls(case: Case) -> list[str]:
    base = f"/cases/{case.pk}/"
    return [base, base + "edit/", base + "transmittal.docx", base + "transmittal.pdf"]


def test_another_unit_gets_404_everywhere(world: World, case: Case) -> None:
    outsider = client_for(world.handler_b)
    for url in urls(case):
        assert outsider.get(url).status_code == 404, url
    for action in ("status/", "timeline/", "assign/", "evidence/"):
        assert outsider.post(f"/cases/{case.pk}/{action}", {"target": "assessing", "kind": "note",
                                                            "text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.NEW and case.timeline.filter(kind="note").count() == 0
    assert "东湖路夜间施工" not in outsider.get("/cases/").content.decode()


@pytest.mark.parametrize("who", ["handler_a", "viewer_a", "analyst", "leader"])
def test_the_responsible_line_and_leaders_see_it(world: World, case: Case, who: str) -> None:
    client = client_for(getattr(world, who))
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert "东湖路夜间施工噪音扰民" in client.get("/cases/").content.decode()


def test_a_leader_of_a_top_unit_sees_cases_of_other_trees(world: World, case: Case,
                                                        make_user: Callable[..., User]) -> None:
    from yuqing.orgs.actions import ensure_unit

    other_tree = ensure_unit("other-city", "外区", kind="district")
    elsewhere = actions.open_case(make_user("far", Role.ANALYST, other_tree), title="外区的事",
                                  level=CaseLevel.objects.get(rank=4), category=None)
    assert client_for(world.leader).get(f"/cases/{elsewhere.pk}/").status_code == 200
    assert client_for(world.analyst).get(f"/cases/{elsewhere.pk}/").status_code == 404
    assert client_for(world.viewer_a).get(f"/cases/{elsewhere.pk}/").status_code == 404


def test_views_and_changes_are_audited(world: World, case: Case) -> None:
    client = client_for(world.handler_a)
    client.get(f"/cases/{case.pk}/")
    view = AuditEntry.objects.filter(model="cases.Case", object_id=str(case.pk),
                                     action="view").get()
    assert view.username == "handler-a" and view.channel == "web"
    client.post(f"/cases/{case.pk}/status/", {"target": "assessing"})
    update = AuditEntry.objects.filter(model="cases.Case", action="update").latest("id")
    assert update.details["changes"]["status"] == ["new", "assessing"]
    assert update.username == "handler-a"
    client.post(f"/cases/{case.pk}/timeline/", {"kind": "fact", "text": "现场核实属实。"})
    created = AuditEntry.objects.filter(model="cases.CaseAction", action="create").latest("id")
    assert created.details["fields"]["kind"] == "fact"
    client.get(f"/cases/{case.pk}/transmittal.pdf")
    export = AuditEntry.objects.filter(model="cases.Case", action="export").get()
    assert export.details == {"format": "pdf", "evidence": 1}


def test_open_from_an_alert(world: World, make_item: Callable[..., Item]) -> None:
    item = make_item(world.source_a, title="东湖路工地夜里还在施工", text="凌晨两点还在打桩。")
    analyse(item)
    alert = make_alert(world.units["street_a"], item=item)
    client = client_for(world.analyst)
    form = client.get(f"/cases/new/?alert={alert.pk}").content.decode()
    assert "东湖路工地夜里还在施工" in form and BINJIANG in form and alert.reason in form
    response = client.post("/cases/new/", {
        "alert": alert.pk, "title": "东湖路工地夜间施工", "level": CaseLevel.objects.get(rank=2).pk,
        "category": world.noise.pk, "region_code": BINJIANG, "summary": alert.reason,
        "assessment": "", "suggestion": "", "unit": ""})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.alert == alert and case.unit == world.units["street_a"]
    assert case.routed_by == world.rule_a
    assert list(case.items.all()) == [item]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "东湖片区城市管理" in page  # routed by rule …


def test_open_from_an_event_and_from_an_item(world: World,
                                             make_item: Callable[..., Item]) -> None:
    event = make_event("东湖路施工噪音")
    item = make_item(world.source_a, title="噪音", text="太吵了")
    analyse(item, event=event)
    client = client_for(world.analyst)
    assert "东湖路施工噪音" in client.get(f"/cases/new/?event={event.pk}").content.decode()
    client.post("/cases/new/", {"event": event.pk, "title": "东湖路施工噪音",
                                "level": CaseLevel.objects.get(rank=4).pk, "region_code": ""})
    assert list(Case.objects.get().events.all()) == [event]
    client.post("/cases/new/", {"item": item.pk, "title": "噪音",
                                "level": CaseLevel.objects.get(rank=4).pk, "region_code": ""})
    assert list(Case.objects.get(title="噪音").items.all()) == [item]


def test_origins_out_of_scope_are_404(world: World, make_item: Callable[..., Item]) -> None:
    item_b = make_item(world.source_b, title="西湖的事")
    alert_b = make_alert(world.units["street_b"], item=item_b)
    street_a_analyst = client_for(User.objects.create_user(
        "analyst-a", password="x", role=Role.ANALYST, unit=world.units["street_a"]))
    assert street_a_analyst.get(f"/cases/new/?alert={alert_b.pk}").status_code == 404
    assert street_a_analyst.get(f"/cases/new/?item={item_b.pk}").status_code == 404
    assert street_a_analyst.get("/cases/new/?item=abc").status_code == 404
    # Handlers do not open cases.
    assert client_for(world.handler_a).get("/cases/new/").status_code == 403


def test_handling_through_the_page(world: World, case: Case) -> None:
    analyst, handler = client_for(world.analyst), client_for(world.handler_a)
    analyst.post(f"/cases/{case.pk}/assign/", {"assignee": world.handler_a.pk})
    case.refresh_from_db()
    assert case.assignee == world.handler_a
    page = handler.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="target" value="assessing"' in page
    for target in ("assessing", "handling"):
        handler.post(f"/cases/{case.pk}/status/", {"target": target})
    handler.post(f"/cases/{case.pk}/timeline/", {
        "kind": "statement", "text": "街道发布情况说明", "link": "https://example.gov.cn/1"})
    handler.post(f"/cases/{case.pk}/status/", {"target": "responded"})
    case.refresh_from_db()
    assert case.status == Status.RESPONDED and case.responded_at is not None
    # A step that does not exist is refused with a message, not a change.
    handler.post(f"/cases/{case.pk}/status/", {"target": "archived"})
    case.refresh_from_db()
    assert case.status == Status.RESPONDED
    # A leader may only write instructions.
    leader = client_for(world.leader)
    leader.post(f"/cases/{case.pk}/timeline/", {"kind": "note", "text": "记录"})
    leader.post(f"/cases/{case.pk}/timeline/", {"kind": "instruction", "text": "妥善处置"})
    assert list(case.timeline.filter(kind__in=["note", "instruction"])
                .values_list("kind", flat=True)) == ["instruction"]


def test_evidence_and_rerouting(world: World, case: Case,
                                make_item: Callable[..., Item]) -> None:
    analyst = client_for(world.analyst)
    extra = make_item(world.source_b, title="西湖网友转发")
    analyst.post(f"/cases/{case.pk}/evidence/", {"item": extra.pk})
    assert case.items.count() == 2
    # The street's handler cannot see the other street's item on the case.
    page = client_for(world.handler_a).get(f"/cases/{case.pk}/").content.decode()
    assert "西湖网友转发" not in page
    analyst.post(f"/cases/{case.pk}/evidence/", {"remove_item": extra.pk})
    assert case.items.count() == 1
    analyst.post(f"/cases/{case.pk}/route/", {"unit": world.units["street_b"].pk})
    case.refresh_from_db()
    assert case.unit == world.units["street_b"] and case.routed_by is None
    assert client_for(world.handler_a).get(f"/cases/{case.pk}/").status_code == 404
    assert case.timeline.filter(kind=ActionKind.EVIDENCE).count() == 3


def test_the_list_filters(world: World, case: Case) -> None:
    client = client_for(world.analyst)
    assert "东湖路夜间" in client.get("/cases/?q=噪音").content.decode()
    assert "东湖路夜间" not in client.get("/cases/?status=resolved").content.decode()
    assert "东湖路夜间" not in client.get("/cases/?mine=on").content.decode()
    partial = client.get("/cases/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "东湖路夜间" in partial


def test_handlers_edit_texts_not_level_or_routing(world: World, case: Case) -> None:
    handler = client_for(world.handler_a)
    handler.post(f"/cases/{case.pk}/edit/", {
        "title": "改标题", "level": CaseLevel.objects.get(rank=4).pk, "category": "",
        "region_code": "", "summary": "核实后的摘要", "assessment": "研判", "suggestion": ""})
    case.refresh_from_db()
    assert (case.title, case.level.rank, case.category) == ("东湖路夜间施工噪音扰民", 3,
                                                           world.noise)
    assert case.summary == "核实后的摘要" and case.assessment == "研判"


def test_an_archived_case_is_a_closed_file(world: World, case: Case) -> None:
    actions.transition(world.analyst, case, Status.ARCHIVED, "重复线索")
    analyst = client_for(world.analyst)
    analyst.post(f"/cases/{case.pk}/edit/", {"title": "改", "level": case.level.pk})
    analyst.post(f"/cases/{case.pk}/assign/", {"assignee": world.handler_a.pk})
    analyst.post(f"/cases/{case.pk}/evidence/", {"remove_item": case.items.get().pk})
    case.refresh_from_db()
    assert case.title == "东湖路夜间施工噪音扰民" and case.assignee is None
    assert case.items.count() == 1
    page = analyst.get(f"/cases/{case.pk}/").content.decode()
    assert "form.move" not in page and 'name="target"' not in page


def test_the_open_form_lists_cases_already_opened_about_it(world: World,
                                                           make_item: Callable[..., Item]) -> None:
    item = make_item(world.source_a, title="同一条帖子")
    first = actions.open_case(world.analyst, title="第一次", level=CaseLevel.objects.get(rank=4),
                              category=None, items=[item])
    page = client_for(world.analyst).get(f"/cases/new/?item={item.pk}").content.decode()
    assert f"/cases/{first.pk}/" in page and "第一次" in page

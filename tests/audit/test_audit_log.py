from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.conftest import PASSWORD
from yuqing.audit.context import acting
from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.models import Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


def test_create_update_delete_are_recorded_with_changes(units: dict[str, Unit]) -> None:
    AuditEntry.objects.all().delete()
    with acting("cli") as ctx:
        source = Source.objects.create(name="江城日报", platform="news", unit=units["district"])
        source.region = "江城市"
        source.save()
        source.save()  # no change: no entry
        source.delete()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert {e.request_id for e in entries} == {ctx.request_id}
    assert all(e.channel == "cli" for e in entries)
    assert entries[1].details["changes"]["region"] == ["", "江城市"]
    assert entries[0].model == "collect.Source"


def test_passwords_never_enter_the_log(units: dict[str, Unit],
                                       make_user: Callable[..., User]) -> None:
    user = make_user("someone", Role.ANALYST, units["district"])
    user.set_password("another-secret-value")
    user.save()
    for entry in AuditEntry.objects.filter(model="orgs.User"):
        assert "password" not in str(entry.details)
        assert "another-secret-value" not in str(entry.details)


def test_one_request_groups_its_writes_and_names_the_user(
    units: dict[str, Unit], make_user: Callable[..., User], client: Client
) -> None:
    make_user("boss", Role.ADMIN, None)
    assert client.login(username="boss", password=PASSWORD)
    AuditEntry.objects.all().delete()
    response = client.post(
        "/admin/orgs/unit/add/",
        {"code": "street-c", "name": "南岸街道", "kind": "street", "parent": units["district"].pk},
    )
    assert response.status_code == 302, response.content[:500]
    entries = list(AuditEntry.objects.all())
    assert entries, "admin write was not audited"
    assert len({e.request_id for e in entries}) == 1
    assert entries[0].username == "boss" and entries[0].channel == "web"
    assert response["X-Request-Id"] == str(entries[0].request_id)


def test_login_is_recorded(units: dict[str, Unit], make_user: Callable[..., User],
                           client: Client) -> None:
    make_user("clerk", Role.VIEWER, units["district"])
    client.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert AuditEntry.objects.filter(action=Action.LOGIN, object_repr="clerk").exists()

"""The audit log page: filters, grouping by request, pagination."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from yuqing.audit.context import acting
from yuqing.audit.models import Action, AuditEntry
from yuqing.audit.record import record
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def entries(admin_user: User, make_user: Callable[..., User],
            units: dict[str, Unit]) -> dict[str, uuid.UUID]:
    """Two requests by two users: one export; one with two updates."""
    analyst = make_user("wang", Role.ANALYST, units["district"])
    AuditEntry.objects.all().delete()
    with acting("web", analyst) as first:
        record(Action.EXPORT, model="collect.Item", details={"rows": 3})
    with acting("cli", admin_user) as second:
        record(Action.UPDATE, model="orgs.Unit", object_id="1", object_repr="东湖街道")
        record(Action.UPDATE, model="orgs.Unit", object_id="2", object_repr="西湖街道")
    AuditEntry.objects.filter(request_id=first.request_id).update(
        at=datetime(2025, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    return {"export": first.request_id, "update": second.request_id}


def listed(client: Client, **params: Any) -> list[str]:
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    return [f"{e.username}:{e.action}:{e.object_repr}"
            for e in response.context["page"].object_list]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["admin:update:西湖街道", "admin:update:东湖街道", "wang:export:"]),
    ({"user": "WANG"}, ["wang:export:"]),
    ({"action": "export"}, ["wang:export:"]),
    ({"model": "orgs.Unit"}, ["admin:update:西湖街道", "admin:update:东湖街道"]),
    ({"date_to": "2025-03-01"}, ["wang:export:"]),
    ({"date_from": "2025-03-02"}, ["admin:update:西湖街道", "admin:update:东湖街道"]),
])
def test_filters(admin_client: Client, entries: dict[str, uuid.UUID],
                 params: dict[str, str], expected: list[str]) -> None:
    assert listed(admin_client, **params) == expected


def test_grouped_by_request(admin_client: Client, entries: dict[str, uuid.UUID]) -> None:
    page = admin_client.get(reverse("audit:list")).content.decode()
    assert page.count('class="group-head"') == 2
    assert f"?request_id={entries['update']}" in page
    only = listed(admin_client, request_id=str(entries["update"]))
    assert only == ["admin:update:西湖街道", "admin:update:东湖街道"]


def test_pagination(admin_client: Client, entries: dict[str, uuid.UUID], settings: Any) -> None:
    settings.YUQING_PAGE_SIZE = 5
    for n in range(6):
        record(Action.LOGIN, model="orgs.User", object_repr=f"u{n}")
    assert len(listed(admin_client)) == 5
    assert len(listed(admin_client, page=2)) == 4

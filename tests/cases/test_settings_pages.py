"""The settings pages (cases.manage): levels with their deadlines, the taxonomy, the routing
rules and trying them; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from tests.cases.conftest import BINJIANG, World
from yuqing.audit.models import AuditEntry
from yuqing.cases import actions
from yuqing.cases.models import CaseLevel, Category, RoutingRule
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world: World, make_user: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_user("root", Role.ADMIN, None))
    return client


def test_only_managers_reach_the_settings(world: World) -> None:
    client = Client()
    client.force_login(world.analyst)
    for url in ("/cases/settings/", "/cases/settings/rules/new/",
                f"/cases/settings/levels/{CaseLevel.objects.get(rank=1).pk}/"):
        assert client.get(url).status_code == 403, url


def test_the_overview_lists_everything(world: World, admin: Client) -> None:
    page = admin.get("/cases/settings/").content.decode()
    for text in ("特别重大", "一般", "— 施工管理", "东湖片区城市管理", "330108"):
        assert text in page


def test_level_deadlines_are_edited_in_hours(world: World, admin: Client) -> None:
    level = CaseLevel.objects.get(rank=1)
    form = admin.get(f"/cases/settings/levels/{level.pk}/").content.decode()
    assert 'name="respond_hours" value="1"' in form and 'value="72"' in form
    response = admin.post(f"/cases/settings/levels/{level.pk}/", {
        "name": "特别重大", "definition": "新定义", "respond_hours": 2, "resolve_hours": 48})
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.respond_within, level.resolve_within) == (timedelta(hours=2),
                                                            timedelta(hours=48))
    assert AuditEntry.objects.filter(model="cases.CaseLevel", action="update").exists()
    refused = admin.post(f"/cases/settings/levels/{level.pk}/", {
        "name": "特别重大", "respond_hours": 10, "resolve_hours": 5})
    assert refused.status_code == 200 and "resolve_hours" in refused.context["form"].errors


def test_categories_and_rules_are_created_tried_and_deleted(world: World, admin: Client) -> None:
    admin.post("/cases/settings/categories/new/", {"name": "夜间施工", "parent": world.noise.pk})
    night = Category.objects.get(name="夜间施工")
    assert night.label() == "城市管理 / 施工管理 / 夜间施工"
    admin.post("/cases/settings/rules/new/", {
        "name": "夜间施工归西湖", "priority": 1, "category": night.pk, "region_prefix": "3301",
        "unit": world.units["street_b"].pk, "enabled": "on"})
    rule = RoutingRule.objects.get(name="夜间施工归西湖")
    tried = admin.get("/cases/settings/", {"category": night.pk, "region_code": BINJIANG})
    assert "夜间施工归西湖" in tried.content.decode()
    tried = admin.get("/cases/settings/", {"category": "", "region_code": "440305"})
    assert tried.context["outcome"] == {"rule": None}
    bad = admin.post("/cases/settings/rules/new/", {
        "name": "坏规则", "priority": 1, "region_prefix": "33a",
        "unit": world.units["district"].pk})
    assert bad.status_code == 200 and not RoutingRule.objects.filter(name="坏规则").exists()
    # A category in use stays; once free it can go.
    admin.post(f"/cases/settings/categories/{night.pk}/delete/")
    assert Category.objects.filter(pk=night.pk).exists()
    admin.post(f"/cases/settings/rules/{rule.pk}/delete/")
    admin.post(f"/cases/settings/categories/{night.pk}/delete/")
    assert not Category.objects.filter(pk=night.pk).exists()


def test_a_category_cannot_move_below_itself(world: World, admin: Client) -> None:
    form = admin.get(f"/cases/settings/categories/{world.city.pk}/").content.decode()
    assert f'value="{world.noise.pk}"' not in form  # its own child is not offered
    response = admin.post(f"/cases/settings/categories/{world.city.pk}/",
                          {"name": "城市管理", "parent": world.noise.pk})
    assert response.status_code == 200
    world.city.refresh_from_db()
    assert world.city.parent is None


def test_a_category_used_by_a_case_is_kept(world: World, admin: Client) -> None:
    actions.open_case(world.analyst, title="施工", level=CaseLevel.objects.get(rank=4),
                      category=world.noise, region_code=BINJIANG)
    world.rule_a.delete()
    admin.post(f"/cases/settings/categories/{world.noise.pk}/delete/")
    assert Category.objects.filter(pk=world.noise.pk).exists()

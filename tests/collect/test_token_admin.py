"""The admin: issuing a token shows its secret once; collected data is view-only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from yuqing.collect.models import ApiToken, Source
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role

SECRET = re.compile(r"yq_[\w-]{40,}")


@pytest.fixture
def staff(client: Client, db: None) -> Client:
    # Created directly: no password to hash, which would dominate these tests' run time.
    user = User.objects.create(username="root", role=Role.ADMIN, is_staff=True,
                               is_superuser=True)
    client.force_login(user)
    return client


def test_adding_a_token_shows_its_secret_once(staff: Client, source: Source) -> None:
    response = staff.post("/admin/collect/apitoken/add/",
                          {"source": source.pk, "name": "from-admin"}, follow=True)
    assert response.redirect_chain == [("/admin/collect/apitoken/", 302)]
    secrets = SECRET.findall(response.content.decode())
    assert len(secrets) == 1
    token = ApiToken.lookup(secrets[0])
    assert token is not None and token.name == "from-admin"
    assert ApiToken.objects.count() == 1

    page = staff.get(f"/admin/collect/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert token.prefix.encode() in page.content
    assert secrets[0].encode() not in page.content


@pytest.mark.parametrize("model", ["source", "credibilitytier", "apitoken", "item",
                                   "importrun"])
def test_changelists_load(staff: Client, source: Source, model: str) -> None:
    assert staff.get(f"/admin/collect/{model}/").status_code == 200


@pytest.mark.parametrize("model", ["item", "importrun"])
def test_collected_data_cannot_be_added(staff: Client, model: str) -> None:
    assert staff.get(f"/admin/collect/{model}/add/").status_code == 403

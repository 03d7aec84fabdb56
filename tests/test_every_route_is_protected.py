"""No page of the platform answers an anonymous visitor, and no page lets a logged-in user
past the permission it needs: checked over every route, so a view added later without
``require_perm`` fails here rather than in production."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import PASSWORD
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

#: Routes meant for anonymous visitors, and why.
PUBLIC = {
    "login/": "the login page",
    "language/": "choosing the interface language (POST only; changes a cookie)",
    "api/v1/openapi.json": "the API description, public so clients can be generated",
    "admin/login/": "Django admin's own login page",
    "admin/logout/": "Django admin's logout (sends anonymous visitors back to the admin login)",
}
#: Routes that authenticate by API token instead of a session.
TOKEN = {"api/v1/items", "api/v1/"}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str) -> str:
    """A visitable path for a route: parameters filled with an id that exists or not —
    either way the answer must be a refusal, not content."""
    path = route.replace("<int:pk>", "1").replace("<path:object_id>", "1")
    path = path.replace("<path:content_type_id>", "1").replace("<path:url>", "x")
    return "/" + path.replace("<app_label>", "orgs")


ROUTES = sorted({_concrete(r) for r in _routes(get_resolver())
                 if r not in PUBLIC and r not in TOKEN and "(?P" not in r})


@pytest.mark.django_db
@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_visitors_are_sent_to_login(client: Client, path: str) -> None:
    response = client.get(path)
    # 405: POST-only actions such as logout.
    assert response.status_code in (302, 404, 405), (path, response.status_code)
    if response.status_code == 302:
        assert "login" in response["Location"], (path, response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in ROUTES if p.startswith(("/admin", "/audit"))])
def test_non_administrators_cannot_reach_admin_or_audit(
    client: Client, units: dict[str, Unit], make_user: Callable[..., User], path: str
) -> None:
    make_user("analyst", Role.ANALYST, units["district"])
    client.login(username="analyst", password=PASSWORD)
    response = client.get(path)
    assert response.status_code in (302, 403, 404), (path, response.status_code)
    assert b"<table" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(TOKEN))
def test_api_without_token_is_refused(client: Client, path: str) -> None:
    response = client.post("/" + path, data="{}", content_type="application/json")
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")

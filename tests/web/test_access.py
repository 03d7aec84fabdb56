"""Login, role permissions and unit scoping of the item and audit pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

Login = Callable[..., Client]


@pytest.mark.parametrize("url", ["/items/", "/items/1/", "/items/export.csv", "/audit/", "/"])
def test_anonymous_is_sent_to_login(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_page_logs_in(client: Client, make_user: Callable[..., User],
                            units: dict[str, Unit]) -> None:
    make_user("li", Role.VIEWER, units["district"])
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "li", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_logout_is_a_post(login: Login, units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    page = client.get(reverse("collect:item-list")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in page
    client.post(reverse("logout"))
    assert client.get(reverse("collect:item-list")).status_code == 302


def test_viewer_cannot_export(login: Login, units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    assert client.get(reverse("collect:item-export")).status_code == 403
    assert "export.csv" not in client.get(reverse("collect:item-list")).content.decode()


def test_non_admin_cannot_see_audit_log(login: Login, units: dict[str, Unit]) -> None:
    client = login(Role.ANALYST, units["district"])
    assert client.get(reverse("audit:list")).status_code == 403
    assert reverse("audit:list") not in client.get(reverse("collect:item-list")).content.decode()


def test_navigation_follows_role(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("collect:item-list")).content.decode()
    for url in (reverse("collect:item-list"), reverse("audit:list"), reverse("admin:index")):
        assert f'href="{url}"' in page


@pytest.mark.parametrize(("page", "entry"), [
    ("reports:report-list", "reports:report-list"),
    ("reports:dashboard", "reports:dashboard"),
    ("reports:template-list", "reports:report-list"),
    ("reports:schedule-list", "reports:report-list"),
    ("alerts:schemes:list", "alerts:schemes:list"),
])
def test_the_menu_highlights_the_entry_a_page_is_under(
        client: Client, admin_user: User, page: str, entry: str) -> None:
    client.force_login(admin_user)
    html = client.get(reverse(page)).content.decode()
    highlighted = [line for line in html.splitlines() if 'aria-current="page"' in line]
    assert len(highlighted) == 1 and f'href="{reverse(entry)}"' in highlighted[0]


def test_street_user_sees_only_own_items(login: Login, units: dict[str, Unit],
                                         sources: dict[str, Source],
                                         make_item: Callable[..., Item]) -> None:
    item_a = make_item(sources["a"], title="东湖的帖子")
    item_b = make_item(sources["b"], title="西湖的新闻")
    client = login(Role.ANALYST, units["street_b"])
    page = client.get(reverse("collect:item-list")).content.decode()
    assert "西湖的新闻" in page and "东湖的帖子" not in page
    assert client.get(reverse("collect:item-detail", args=[item_a.pk])).status_code == 404
    assert client.get(reverse("collect:item-detail", args=[item_b.pk])).status_code == 200
    # A source of another unit is neither offered nor accepted as a filter.
    assert "东湖论坛" not in page
    response = client.get(reverse("collect:item-list"), {"source": sources["a"].pk})
    assert "东湖的帖子" not in response.content.decode()
    export = client.get(reverse("collect:item-export")).getvalue().decode()
    assert "西湖的新闻" in export and "东湖的帖子" not in export


def test_district_user_sees_both_streets(login: Login, units: dict[str, Unit],
                                         sources: dict[str, Source],
                                         make_item: Callable[..., Item]) -> None:
    item_a = make_item(sources["a"], title="东湖的帖子")
    make_item(sources["b"], title="西湖的新闻")
    client = login(Role.VIEWER, units["district"])
    page = client.get(reverse("collect:item-list")).content.decode()
    assert "西湖的新闻" in page and "东湖的帖子" in page
    assert client.get(reverse("collect:item-detail", args=[item_a.pk])).status_code == 200


def test_hidden_parent_and_children_stay_hidden(login: Login, units: dict[str, Unit],
                                                sources: dict[str, Source],
                                                make_item: Callable[..., Item]) -> None:
    post = make_item(sources["b"], title="西湖的新闻")
    make_item(sources["a"], text="东湖的评论", kind="comment", parent=post)
    make_item(sources["b"], text="西湖的评论", kind="comment", parent=post)
    client = login(Role.VIEWER, units["street_b"])
    page = client.get(reverse("collect:item-detail", args=[post.pk])).content.decode()
    assert "西湖的评论" in page and "东湖的评论" not in page


def test_csp_header(login: Login, units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    for url in (reverse("collect:item-list"), reverse("login")):
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp

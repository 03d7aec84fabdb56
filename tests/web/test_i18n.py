"""Chinese by default; the switcher (and only the switcher) changes the language."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from yuqing.orgs.models import Unit
from yuqing.orgs.roles import Role


def test_default_is_chinese(login: Callable[..., Client], units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    page = client.get(reverse("collect:item-list")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "舆情监测" in page and "采集条目" in page and "退出" in page


def test_accept_language_alone_does_not_switch(login: Callable[..., Client],
                                               units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    page = client.get(reverse("collect:item-list"), headers={"Accept-Language": "en"})
    assert "采集条目" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


def test_switch_to_english_and_back(login: Callable[..., Client],
                                    units: dict[str, Unit]) -> None:
    client = login(Role.VIEWER, units["district"])
    response = client.post(reverse("set-language"), {"language": "en", "next": "/items/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/items/?q=x"
    page = client.get(reverse("collect:item-list")).content.decode()
    assert '<html lang="en">' in page and "Collected items" in page and "采集条目" not in page
    client.post(reverse("set-language"), {"language": "zh-hans"})
    assert "采集条目" in client.get(reverse("collect:item-list")).content.decode()


def test_login_page_is_chinese_and_switchable(client: Client, db: None) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'action="/language/"' in page
    client.post(reverse("set-language"), {"language": "en", "next": reverse("login")})
    assert "Log in" in client.get(reverse("login")).content.decode()

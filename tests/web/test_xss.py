"""Collected text is hostile: every page shows it escaped, and no link can run script."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit
from yuqing.orgs.roles import Role

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"


@pytest.fixture
def hostile(login: Callable[..., Client], units: dict[str, Unit],
            sources: dict[str, Source], make_item: Callable[..., Item]) -> tuple[Client, Item]:
    parent = make_item(sources["a"], title=IMG, text=SCRIPT)
    item = make_item(sources["a"], title=SCRIPT, text=IMG, url=JS_URL, region=IMG,
                     author_display=SCRIPT, raw={"html": SCRIPT, IMG: JS_URL}, parent=parent)
    make_item(sources["a"], text=SCRIPT + IMG, kind="comment", parent=item)
    return login(Role.ANALYST, units["district"]), item


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html.replace("&gt;", "")  # only as escaped text
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_list_escapes(hostile: tuple[Client, Item]) -> None:
    client, _item = hostile
    assert_escaped(client.get(reverse("collect:item-list")).content.decode())
    partial = client.get(reverse("collect:item-list"), headers={"HX-Request": "true"})
    assert_escaped(partial.content.decode())


def test_detail_escapes(hostile: tuple[Client, Item]) -> None:
    client, item = hostile
    html = client.get(reverse("collect:item-detail", args=[item.pk])).content.decode()
    assert_escaped(html)
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<code>javascript:alert(1)</code>" in html  # shown, not linked


@pytest.mark.parametrize("url", [
    "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
    "//evil.example/x", "http:alert(1)",
])
def test_only_http_urls_become_links(login: Callable[..., Client], units: dict[str, Unit],
                                     sources: dict[str, Source],
                                     make_item: Callable[..., Item], url: str) -> None:
    item = make_item(sources["a"], title="t", url=url)
    client = login(Role.VIEWER, units["district"])
    html = client.get(reverse("collect:item-detail", args=[item.pk])).content.decode()
    assert 'rel="noopener noreferrer"' not in html


def test_export_is_plain_text(hostile: tuple[Client, Item]) -> None:
    client, _item = hostile
    response = client.get(reverse("collect:item-export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.getvalue().decode("utf-8-sig")
    assert SCRIPT in body  # data, never rendered as HTML


def test_audit_log_escapes(client: Client, admin_user: object,
                           hostile: tuple[Client, Item]) -> None:
    client.force_login(admin_user)  # type: ignore[arg-type]
    assert_escaped(client.get(reverse("audit:list")).content.decode())

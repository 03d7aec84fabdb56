"""The item list's filters, order and pagination, its HTMX fragment, and the detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import at
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit
from yuqing.orgs.roles import Role

Login = Callable[..., Client]


@pytest.fixture
def client_with_items(login: Login, units: dict[str, Unit], sources: dict[str, Source],
                      make_item: Callable[..., Item]) -> Client:
    make_item(sources["a"], title="ALPHA 停水通知", text="东湖 停水", published_at=at(1, 9))
    make_item(sources["a"], title="", text="beta 道路施工 Alpha", published_at=at(5, 23))
    make_item(sources["b"], title="gamma 交通", text="西湖 新闻", published_at=at(6, 0))
    make_item(sources["b"], title="delta", text="", published_at=at(20))
    return login(Role.VIEWER, units["district"])


def titles(client: Client, **params: Any) -> list[str]:
    response = client.get(reverse("collect:item-list"), params)
    assert response.status_code == 200
    return [str(item) for item in response.context["page"].object_list]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["delta", "gamma 交通", "beta 道路施工 Alpha", "ALPHA 停水通知"]),
    ({"q": "alpha"}, ["beta 道路施工 Alpha", "ALPHA 停水通知"]),
    ({"q": "停水"}, ["ALPHA 停水通知"]),
    ({"date_from": "2025-03-05"}, ["delta", "gamma 交通", "beta 道路施工 Alpha"]),
    # Dates are Beijing days: 23:00 on the 5th is still the 5th, 00:00 on the 6th is not.
    ({"date_to": "2025-03-05"}, ["beta 道路施工 Alpha", "ALPHA 停水通知"]),
    ({"date_from": "2025-03-06", "date_to": "2025-03-06"}, ["gamma 交通"]),
    ({"platform": "news"}, ["delta", "gamma 交通"]),
    ({"tier": "individual"}, ["beta 道路施工 Alpha", "ALPHA 停水通知"]),
    ({"q": "a", "platform": "forum", "date_from": "2025-03-02"}, ["beta 道路施工 Alpha"]),
])
def test_filters_narrow(client_with_items: Client, params: dict[str, str],
                        expected: list[str]) -> None:
    assert titles(client_with_items, **params) == expected


def test_source_filter(client_with_items: Client, sources: dict[str, Source]) -> None:
    assert titles(client_with_items, source=sources["b"].pk) == ["delta", "gamma 交通"]


def test_invalid_filter_is_reported(client_with_items: Client) -> None:
    response = client_with_items.get(reverse("collect:item-list"),
                                      {"date_from": "2025-03-09", "date_to": "2025-03-01"})
    assert response.context["form"].errors
    assert 'class="field-error"' in response.content.decode()


def test_pagination(client_with_items: Client, settings: Any,
                    sources: dict[str, Source], make_item: Callable[..., Item]) -> None:
    settings.YUQING_PAGE_SIZE = 5
    for day in range(11, 17):
        make_item(sources["a"], title=f"page-{day}", published_at=at(day))
    first = titles(client_with_items)
    second = titles(client_with_items, page=2)
    assert len(first) == 5 and len(second) == 5
    assert not set(first) & set(second)
    assert first[0] == "delta" and second[-1] == "ALPHA 停水通知"
    page = client_with_items.get(reverse("collect:item-list"), {"q": "page"}).content.decode()
    assert "?q=page&amp;page=2" in page  # page links keep the filters


def test_htmx_request_gets_only_the_results(client_with_items: Client) -> None:
    response = client_with_items.get(reverse("collect:item-list"), {"platform": "news"},
                                     headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "<table" in body and "gamma 交通" in body
    assert "HX-Request" in response["Vary"]
    restore = client_with_items.get(reverse("collect:item-list"), headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_list_shows_columns(client_with_items: Client, sources: dict[str, Source],
                            make_item: Callable[..., Item]) -> None:
    make_item(sources["a"], title="cols", author_display="张*三", likes=12345, reposts=7,
              comments=0, published_at=at(25, 8))
    page = client_with_items.get(reverse("collect:item-list")).content.decode()
    for text in ("2025-03-25 08:00", "张*三", "12345", "东湖论坛", "论坛/个人"):
        assert text in page


def test_detail_shows_item_parent_and_children(client_with_items: Client,
                                               sources: dict[str, Source],
                                               make_item: Callable[..., Item]) -> None:
    post = make_item(sources["a"], title="主帖", text="正文内容", url="https://example.com/p/1",
                     raw={"来源": "测试", "nested": {"n": 1}}, likes=3)
    comment = make_item(sources["a"], text="一条评论", kind="comment", parent=post)
    page = client_with_items.get(reverse("collect:item-detail", args=[post.pk])).content.decode()
    assert "正文内容" in page and "一条评论" in page
    assert 'href="https://example.com/p/1" rel="noopener noreferrer"' in page
    assert "&quot;来源&quot;: &quot;测试&quot;" in page  # pretty-printed, escaped raw payload
    child = client_with_items.get(reverse("collect:item-detail", args=[comment.pk]))
    assert reverse("collect:item-detail", args=[post.pk]) in child.content.decode()


def test_unknown_item_is_404(client_with_items: Client) -> None:
    assert client_with_items.get(reverse("collect:item-detail", args=[999999])).status_code == 404

"""POST /api/v1/items through Django's test client: what is stored, and what is answered."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.models import ApiToken, Item, Source

URL = "/api/v1/items"
Push = Callable[..., HttpResponse]


def item(n: int = 1, **fields: Any) -> dict[str, Any]:
    return {"platform": "weibo", "external_id": f"p{n}", "title": f"标题 {n}",
            "text": f"正文 {n}", "published_at": "2024-05-01T08:00:00+08:00", "likes": n,
            **fields}


@pytest.fixture
def secret(source: Source) -> str:
    return ApiToken.issue(source, "crawler-1")[1]


@pytest.fixture
def push(client: Client, secret: str) -> Push:
    """POST a body (JSON-encoded unless ``raw`` bytes are given) with the token."""

    def post(body: Any = None, *, raw: bytes | None = None, token: str | None = secret,
             content_type: str = "application/json", **extra: Any) -> HttpResponse:
        data = raw if raw is not None else json.dumps(body)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.post(URL, data=data, content_type=content_type, headers=headers,
                           **extra)

    return post


def statuses(response: HttpResponse) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["status"] for r in response.json()["items"]]


def test_insert_update_unchanged(push: Push, source: Source) -> None:
    response = push({"items": [item(1), item(2)]})
    assert statuses(response) == ["inserted", "inserted"]
    body = response.json()
    assert body["inserted"] == 2
    stored = {i.natural_key: i for i in Item.objects.all()}
    for index, result in enumerate(body["items"]):
        assert result["index"] == index
        assert stored[result["natural_key"]].pk == result["id"]
    first = stored["weibo:p1"]
    assert (first.source, first.unit, first.region) == (source, source.unit, "滨江区")
    assert first.published_at == datetime(2024, 5, 1, 0, 0, tzinfo=UTC)

    response = push({"items": [item(1, likes=99), item(2)]})
    assert statuses(response) == ["updated", "unchanged"]
    assert Item.objects.get(natural_key="weibo:p1").likes == 99
    assert Item.objects.count() == 2


def test_same_batch_twice_changes_nothing(push: Push) -> None:
    batch = {"items": [item(1), item(2, kind="comment", parent_external_id="p1")]}
    assert statuses(push(batch)) == ["inserted", "inserted"]
    before = list(Item.objects.order_by("id").values())
    response = push(batch)
    assert statuses(response) == ["unchanged", "unchanged"]
    assert response.json()["unchanged"] == 2
    assert list(Item.objects.order_by("id").values()) == before


def test_repeated_key_in_one_batch_reports_the_stored_copy(push: Push) -> None:
    response = push({"items": [item(1, likes=1), item(2), item(1, likes=5)]})
    results = response.json()["items"]
    assert statuses(response) == ["inserted", "inserted", "inserted"]
    assert results[0]["id"] == results[2]["id"]
    assert response.json()["inserted"] == 2
    assert Item.objects.get(natural_key="weibo:p1").likes == 5


def test_comment_links_to_parent_pushed_later(push: Push) -> None:
    comment = {"platform": "weibo", "kind": "comment", "external_id": "c1",
               "parent_external_id": "p1", "text": "同意"}
    statuses(push({"items": [comment]}))
    assert Item.objects.get(natural_key="weibo:c:c1").parent is None
    statuses(push({"items": [item(1)]}))
    stored = Item.objects.get(natural_key="weibo:c:c1")
    assert stored.parent == Item.objects.get(natural_key="weibo:p1")


def test_naive_time_is_read_in_configured_zone(push: Push, settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    statuses(push({"items": [item(1, published_at="2024-05-01T08:00:00")]}))
    assert Item.objects.get().published_at == datetime(2024, 5, 1, 0, 0, tzinfo=UTC)


def test_hostile_text_is_stored_verbatim_and_only_returned_as_json(push: Push) -> None:
    script = "<script>alert('x')</script>&amp;"
    response = push({"items": [item(1, title=script, text=script)]})
    statuses(response)
    stored = Item.objects.get()
    assert (stored.title, stored.text) == (script, script)
    # An unknown field named like markup comes back in the error path, JSON-escaped.
    response = push({"items": [{**item(2), script: 1}]})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in response.content
    assert response.json()["error"]["details"][0]["path"] == [script]


def test_author_is_pseudonymised(push: Push) -> None:
    raw = {"user_id": "u987654321", "nickname": "张三丰", "keep": 1,
           "note": {"uid": "u987654321", "text": "hi"}, "list": [{"screen_name": "张三丰"}]}
    statuses(push({"items": [item(1, author_id="u987654321", author_name="张三丰", raw=raw)]}))
    row = Item.objects.values().get()
    dumped = json.dumps(row, default=str, ensure_ascii=False)
    assert "u987654321" not in dumped
    assert "张三丰" not in dumped
    assert row["author_display"] == "张*丰"
    assert len(row["author_hash"]) == 32
    assert row["raw"] == {"keep": 1, "note": {"text": "hi"}, "list": [{}]}


def test_accepted_batch_is_audited_once(push: Push, source: Source, secret: str) -> None:
    before = AuditEntry.objects.count()
    statuses(push({"items": [item(1), item(2)]}))
    response = push({"items": [item(1, likes=7), item(2)]})
    statuses(response)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert str(entries[-1].request_id) == response["X-Request-Id"]
    assert [e.action for e in entries] == [Action.PUSH, Action.PUSH]
    last = entries[-1]
    assert (last.channel, last.model, last.object_id) == ("api", "collect.Source",
                                                         str(source.pk))
    assert last.details == {"token": secret[:10], "inserted": 0, "updated": 1, "unchanged": 1}


def test_token_use_is_recorded(push: Push, source: Source) -> None:
    token = ApiToken.objects.get(source=source)
    assert token.last_used_at is None
    statuses(push({"items": [item(1)]}))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_batch_at_the_item_limit_is_accepted(push: Push, settings: Any) -> None:
    settings.YUQING_API_MAX_ITEMS = 3
    assert statuses(push({"items": [item(n) for n in range(3)]})) == ["inserted"] * 3
    response = push({"items": [item(n) for n in range(10, 14)]})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "batch_too_large"
    assert "at most 3" in response.json()["error"]["message"]
    assert Item.objects.count() == 3


def test_body_at_the_byte_limit_is_accepted(push: Push, settings: Any) -> None:
    settings.YUQING_API_MAX_BYTES = 1024
    body = json.dumps({"items": [item(1)]}).encode()
    assert statuses(push(raw=body.ljust(1024))) == ["inserted"]
    response = push(raw=json.dumps({"items": [item(2)]}).encode().ljust(1025))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert Item.objects.count() == 1

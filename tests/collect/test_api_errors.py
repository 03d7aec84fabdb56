"""Every way a push can be refused: exact status and code, JSON only, and nothing written."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from yuqing.audit.models import Action, AuditEntry
from yuqing.collect.api.errors import ApiError
from yuqing.collect.api.request import read_limited
from yuqing.collect.models import ApiToken, Item, Source

URL = "/api/v1/items"
GOOD = {"platform": "weibo", "external_id": "p1", "text": "正文"}


@pytest.fixture
def secret(source: Source) -> str:
    return ApiToken.issue(source, "crawler-1")[1]


@pytest.fixture
def call(client: Client, secret: str) -> Iterator[Callable[..., HttpResponse]]:
    """Send a request; afterwards check that it wrote no item and no push audit entry."""
    items_before = Item.objects.count()
    pushes_before = AuditEntry.objects.filter(action=Action.PUSH).count()

    def send(body: bytes | Any, *, method: str = "POST", path: str = URL,
             content_type: str = "application/json", auth: str | None = None,
             **extra: Any) -> HttpResponse:
        data = body if isinstance(body, bytes) else json.dumps(body)
        headers = {"Authorization": auth if auth is not None else f"Bearer {secret}"}
        response: HttpResponse = client.generic(method.upper(), path, data, content_type,
                                                headers=headers, **extra)
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        return response

    yield send
    assert Item.objects.count() == items_before
    assert AuditEntry.objects.filter(action=Action.PUSH).count() == pushes_before


def error(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()["error"]
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.mark.parametrize("raw,status,code", [
    (b'{"items": [', 400, "invalid_json"),
    (b"\xff\xfe", 400, "invalid_json"),
    (b'{"items": [{"platform": "weibo", "text": "x", "likes": NaN}]}', 400, "invalid_json"),
    (b"[" * 100_000, 400, "invalid_json"),
    (b"  ", 400, "invalid_json"),
    (b"[]", 400, "invalid_body"),
    (b'"items"', 400, "invalid_body"),
    (b"{}", 422, "invalid_body"),
    (b'{"items": {}}', 422, "invalid_body"),
    (b'{"items": [], "extra": 1}', 422, "invalid_body"),
    (b'{"items": []}', 422, "empty_batch"),
])
def test_bad_body(call: Callable[..., HttpResponse], raw: bytes, status: int,
                  code: str) -> None:
    error(call(raw), status, code)


def test_malformed_json_names_the_position(call: Callable[..., HttpResponse]) -> None:
    body = error(call(b'{"items":\n [1,, 2]}'), 400, "invalid_json")
    assert "line 2 column 5 (character 14)" in body["message"]


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
])
def test_wrong_content_type(call: Callable[..., HttpResponse], content_type: str) -> None:
    error(call({"items": [GOOD]}, content_type=content_type), 415, "unsupported_media_type")


def test_json_with_utf8_charset_is_accepted(client: Client, secret: str) -> None:
    response = client.post(URL, data=json.dumps({"items": [GOOD]}),
                           content_type="application/json; charset=UTF-8",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


@pytest.mark.parametrize("auth,code", [
    ("", "missing_token"),
    ("Bearer yq_not-a-real-token", "invalid_token"),
    ("Bearer ", "invalid_token"),
    ("Basic dXNlcjpwYXNz", "invalid_token"),
])
def test_bad_token(call: Callable[..., HttpResponse], auth: str, code: str) -> None:
    response = call({"items": [GOOD]}, auth=auth)
    error(response, 401, code)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token(call: Callable[..., HttpResponse], source: Source, secret: str) -> None:
    ApiToken.objects.filter(source=source).update(revoked=True)
    error(call({"items": [GOOD]}), 401, "invalid_token")


def test_disabled_source(call: Callable[..., HttpResponse], source: Source) -> None:
    source.enabled = False
    source.save()
    response = call({"items": [GOOD]})
    error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_wrong_method(call: Callable[..., HttpResponse], method: str) -> None:
    response = call(b"", method=method)
    error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_unknown_api_path_is_json(call: Callable[..., HttpResponse]) -> None:
    error(call({"items": [GOOD]}, path="/api/v1/items/"), 404, "not_found")


def test_declared_length_is_checked_before_reading(call: Callable[..., HttpResponse],
                                                   settings: Any) -> None:
    settings.YUQING_API_MAX_BYTES = 1024
    body = error(call({"items": [GOOD]}, CONTENT_LENGTH="1025"), 413, "body_too_large")
    assert "1024" in body["message"]
    error(call({"items": [GOOD]}, CONTENT_LENGTH="12x"), 400, "invalid_content_length")


def test_reading_stops_at_the_limit_whatever_was_declared() -> None:
    assert read_limited(io.BytesIO(b"x" * 100), 100) == b"x" * 100
    stream = io.BytesIO(b"x" * 10_000)
    with pytest.raises(ApiError) as exc:
        read_limited(stream, 100)
    assert exc.value.status == 413
    assert stream.tell() == 101


def test_invalid_items_are_listed_and_nothing_is_stored(
        call: Callable[..., HttpResponse]) -> None:
    deep: dict[str, Any] = {}
    for _ in range(40):
        deep = {"x": deep}
    items: list[Any] = [
        GOOD,
        {**GOOD, "external_id": "p2", "likes": "12"},
        {**GOOD, "external_id": "p3", "tilte": "typo"},
        {"text": "no platform"},
        {**GOOD, "external_id": "p5", "text": "   "},
        {"platform": "weibo", "kind": "comment", "external_id": "c1", "text": "orphan"},
        {**GOOD, "external_id": "p7", "published_at": 1714521600},
        {**GOOD, "external_id": "p8", "raw": deep},
        {**GOOD, "external_id": "p9", "text": "nul\x00byte"},
        {**GOOD, "external_id": "p10", "likes": -1},
        {**GOOD, "external_id": "p11", "published_at": "yesterday"},
        {**GOOD, "external_id": "x" * 129},
        "not an object",
    ]
    body = error(call({"items": items}), 422, "invalid_items")
    found = {(d["index"], tuple(d["path"]), d["type"]) for d in body["details"]}
    assert found == {
        (1, ("likes",), "int_type"),
        (2, ("tilte",), "extra_forbidden"),
        (3, ("platform",), "missing"),
        (4, (), "rejected"),
        (5, (), "rejected"),
        (6, ("published_at",), "datetime_type"),
        (7, ("raw",), "raw_too_deep"),
        (8, ("text",), "string_nul"),
        (9, ("likes",), "greater_than_equal"),
        (10, ("published_at",), "datetime_from_date_parsing"),
        (11, ("external_id",), "string_too_long"),
        (12, (), "model_type"),
    }
    assert [d["index"] for d in body["details"]] == sorted(d["index"] for d in body["details"])
    assert body["message"].startswith("12 of 13 items are invalid")


def test_error_list_is_capped(call: Callable[..., HttpResponse]) -> None:
    body = error(call({"items": [{"text": "no platform"}] * 150}), 422, "invalid_items")
    assert len(body["details"]) == 100
    assert "first 100 of 150 problems" in body["message"]

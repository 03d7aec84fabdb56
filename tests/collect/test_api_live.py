"""One push over a real socket, to catch what the test client glosses over (headers, bodies)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from yuqing.collect.models import ApiToken, Item, Source


def _post(url: str, body: bytes, token: str) -> Any:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, json.load(response)


# The flush after this test empties the tables; the default credibility tiers come back with
# the post_migrate signal that follows it (yuqing.collect.tiers).
@pytest.mark.django_db(transaction=True)
def test_push_over_http(live_server: LiveServer, source: Source) -> None:
    _token, secret = ApiToken.issue(source, "live")
    url = f"{live_server.url}/api/v1/items"
    body = json.dumps({"items": [{"platform": "weibo", "external_id": "live1",
                                  "text": "<b>实时</b>"}]}).encode()
    status, headers, data = _post(url, body, secret)
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert data["items"][0]["status"] == "inserted"
    assert Item.objects.get().text == "<b>实时</b>"

    with pytest.raises(urllib.error.HTTPError) as exc:
        _post(url, body, "yq_wrong")
    assert exc.value.code == 401
    assert exc.value.headers["WWW-Authenticate"].startswith("Bearer")
    assert json.load(exc.value)["error"]["code"] == "invalid_token"

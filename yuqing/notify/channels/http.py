"""POSTing a JSON payload, for the webhook and chat-robot transports.

Apprise has plugins for WeCom, DingTalk and Feishu, but they post to the services' fixed
addresses (qyapi.weixin.qq.com, oapi.dingtalk.com, open.feishu.cn), so a private deployment
(Lark, a proxy, an on-premises gateway) and a test receiver on 127.0.0.1 could not be
reached; its Feishu plugin cannot sign, and its JSON plugin cannot sign a body with HMAC.
These transports therefore use httpx directly, on one shared client (kept-alive connections
to the chat services save a TLS handshake per alert).

Each attempt has one deadline: the answer is read in chunks and given up on when the
deadline passes, so a receiver that accepts the connection and then dribbles or hangs costs
at most the timeout, on one sender thread.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from yuqing.notify.channels.base import Outcome, failed, sent

#: Bytes of an answer read: chat services answer with a line of JSON.
MAX_ANSWER = 64 * 1024
USER_AGENT = "yuqing-notify/0.1"

_client: httpx.Client | None = None
_lock = threading.Lock()


def client() -> httpx.Client:
    global _client
    with _lock:
        if _client is None:
            _client = httpx.Client(
                follow_redirects=False, headers={"User-Agent": USER_AGENT},
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=16))
        return _client


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: bytes

    def json(self) -> Any:
        """The answer as JSON, or ``None`` if it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def snippet(self) -> str:
        return self.body[:300].decode("utf-8", "replace").strip()


def encode(payload: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, Chinese unescaped: the services' size limits count these bytes."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def deliver(url: str, body: bytes, *, timeout: float, judge: Callable[[Answer], Outcome],
            headers: Mapping[str, str] | None = None) -> Outcome:
    """POST ``body`` to ``url`` and let ``judge`` read a 2xx answer; other statuses,
    timeouts and network errors become failed outcomes here."""
    try:
        answer = _post(url, body, timeout, headers or {})
    except httpx.TimeoutException:
        return failed(f"no answer within {timeout:g} s")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return failed(f"invalid address: {exc}", retry=False)
    except httpx.TransportError as exc:
        return failed(f"network error: {exc or type(exc).__name__}")
    if 200 <= answer.status < 300:
        return judge(answer)
    if 300 <= answer.status < 400:
        return failed(f"HTTP {answer.status} {answer.reason}: redirects are not followed; "
                      "use the final address", code=answer.status, retry=False)
    # Timeouts, rate limits and server errors may pass; other refusals will not.
    retry = answer.status in (408, 425, 429) or answer.status >= 500
    return failed(f"HTTP {answer.status} {answer.reason}: {answer.snippet()}",
                  code=answer.status, retry=retry)


def accept_any(answer: Answer) -> Outcome:
    return sent(answer.status)


def _post(url: str, body: bytes, timeout: float, headers: Mapping[str, str]) -> Answer:
    deadline = time.monotonic() + timeout
    request_headers = {"Content-Type": "application/json; charset=utf-8", **headers}
    with client().stream("POST", url, content=body, headers=request_headers,
                         timeout=httpx.Timeout(timeout)) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the answer took too long", request=response.request)
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_ANSWER:
                break
        return Answer(response.status_code, response.reason_phrase, b"".join(chunks))

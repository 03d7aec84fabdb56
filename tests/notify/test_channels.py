"""Each kind against a real local receiver: the exact request, signatures computed as the
services document them, size limits, and how answers are judged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.utils import translation

from tests.notify.receivers import Receiver, Reply, self_signed, smtp_server
from yuqing.notify import channels
from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt
from yuqing.notify.models import Channel
from yuqing.notify.text import ELLIPSIS, utf8_len

# Apprise imports a module deprecated in Python 3.13 (not ours to change).
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")

URL = "https://yuqing.example.gov.cn/alerts/7/"
MESSAGE = Message(title="【预警】滨江区 负面信息", body="东湖路段施工噪音扰民。\n居民反映强烈。",
                  url=URL, severity="warning", key="alert:7:1")
ATTEMPT = Attempt(delivery_id=99, timeout=2.0, test=False, unit_id=None,
                  unit_code="district", unit_name="滨江区")


def _send(kind: str, config: dict[str, Any], secrets: dict[str, str],
          message: Message = MESSAGE) -> Any:
    channel = Channel(kind=kind, name=kind, config=config, secrets=secrets)
    with translation.override("en"):
        return channels.get(kind).send(channel, message, ATTEMPT)


def test_webhook_posts_the_documented_json_signed_with_hmac(receiver: Receiver) -> None:
    outcome = _send("webhook", {"url": receiver.url("/hook?src=yq"),
                                "header_name": "Authorization"},
                    {"header_value": "Bearer t0ken", "signing_secret": "s3cret"})
    assert outcome.ok and outcome.code == 200
    [request] = receiver.at("/hook")
    assert request.query == {"src": ["yq"]}
    data = request.json()
    assert {k: v for k, v in data.items() if k != "sent_at"} == {
        "title": MESSAGE.title, "body": MESSAGE.body, "url": URL, "severity": "warning",
        "key": "alert:7:1", "unit": {"code": "district", "name": "滨江区"}, "test": False,
        "delivery": 99}
    assert request.headers["Authorization"] == "Bearer t0ken"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    stamp = request.headers["X-Yuqing-Timestamp"]
    assert abs(int(stamp) - time.time()) < 5
    expected = hmac.new(b"s3cret", stamp.encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    assert request.headers["X-Yuqing-Signature"] == f"sha256={expected}"


def test_webhook_failures_say_whether_to_retry(receiver: Receiver) -> None:
    receiver.answer("/hook", Reply(500, b"boom"), Reply(404, b"no such hook"),
                    Reply(429, b"slow down"), Reply(301, b""))
    config = {"url": receiver.url("/hook")}
    server_error, not_found, limited, moved = (_send("webhook", config, {}) for _ in range(4))
    assert (server_error.ok, server_error.code, server_error.retry) == (False, 500, True)
    assert "HTTP 500" in server_error.error and "boom" in server_error.error
    assert (not_found.code, not_found.retry) == (404, False)
    assert (limited.code, limited.retry) == (429, True)
    assert (moved.code, moved.retry) == (301, False)
    refused = _send("webhook", {"url": "http://127.0.0.1:9/hook"}, {})
    assert not refused.ok and refused.retry and "network error" in refused.error


def test_wecom_markdown_and_text_payloads(receiver: Receiver) -> None:
    secrets = {"webhook": receiver.url("/cgi-bin/webhook/send?key=abc-123")}
    assert _send("wecom", {"format": "markdown"}, secrets).ok
    assert _send("wecom", {"format": "text"}, secrets).ok
    markdown, text = receiver.at("/cgi-bin/webhook/send")
    assert markdown.query == {"key": ["abc-123"]}
    assert markdown.json() == {"msgtype": "markdown", "markdown": {"content": (
        '### <font color="warning">【预警】滨江区 负面信息</font>\n'
        f"东湖路段施工噪音扰民。\n居民反映强烈。\n[Open in yuqing]({URL})")}}
    assert text.json() == {"msgtype": "text", "text": {
        "content": f"【预警】滨江区 负面信息\n东湖路段施工噪音扰民。\n居民反映强烈。\n{URL}"}}


def test_collected_text_cannot_plant_links_in_chat_markdown(receiver: Receiver) -> None:
    planted = Message(title="[官方通知](https://evil.example)", body="<@all> ![x](y)")
    assert _send("wecom", {"format": "markdown"}, {"webhook": receiver.url("/w")}, planted).ok
    content = receiver.at("/w")[0].json()["markdown"]["content"]
    assert content == "### ［官方通知］(https://evil.example)\n＜@all＞ ！［x］(y)"


@pytest.mark.parametrize(("fmt", "limit", "end"), [
    ("markdown", 4096, f"{ELLIPSIS}\n[Open in yuqing]({URL})"),
    ("text", 2048, f"{ELLIPSIS}\n{URL}")])
def test_wecom_content_fits_its_byte_limit(receiver: Receiver, fmt: str, limit: int,
                                           end: str) -> None:
    long = Message(title="长消息", body="舆情" * 5000, url=URL)
    assert _send("wecom", {"format": fmt}, {"webhook": receiver.url("/wecom")}, long).ok
    content = receiver.at("/wecom")[0].json()[fmt]["content"]
    assert limit - 3 < utf8_len(content) <= limit
    assert content.endswith(end)


def test_wecom_error_codes_fail_the_delivery(receiver: Receiver) -> None:
    receiver.answer("/wecom", Reply(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}'))
    outcome = _send("wecom", {}, {"webhook": receiver.url("/wecom")})
    assert (outcome.ok, outcome.code, outcome.retry) == (False, 45009, True)
    assert outcome.error == "WeCom error 45009: api freq out of limit"


def test_dingtalk_signs_the_query_as_documented(receiver: Receiver) -> None:
    secrets = {"webhook": receiver.url("/robot/send?access_token=tok"),
               "signing_secret": "SECabc"}
    assert _send("dingtalk", {"format": "markdown"}, secrets).ok
    [request] = receiver.at("/robot/send")
    stamp = request.query["timestamp"][0]
    assert abs(int(stamp) / 1000 - time.time()) < 5  # milliseconds
    digest = hmac.new(b"SECabc", f"{stamp}\nSECabc".encode(), hashlib.sha256).digest()
    assert request.query["sign"] == [base64.b64encode(digest).decode()]
    assert request.query["access_token"] == ["tok"]
    body = request.json()
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == MESSAGE.title
    assert body["markdown"]["text"].startswith(
        "#### 【预警】滨江区 负面信息\n\n东湖路段施工噪音扰民。\n\n居民反映强烈。\n\n[")
    assert body["markdown"]["text"].endswith(f"]({URL})")
    # URL-encoded as DingTalk's example does (Base64 has +, / and =).
    assert f"&sign={quote_plus(base64.b64encode(digest).decode())}" in request.target


def test_dingtalk_text_without_signing(receiver: Receiver) -> None:
    assert _send("dingtalk", {"format": "text"}, {"webhook": receiver.url("/robot")}).ok
    [request] = receiver.at("/robot")
    assert request.query == {}
    assert request.json() == {"msgtype": "text", "text": {
        "content": f"{MESSAGE.title}\n{MESSAGE.body}\n{URL}"}}


def test_feishu_signs_the_body_as_documented(receiver: Receiver) -> None:
    secrets = {"webhook": receiver.url("/open-apis/bot/v2/hook/abc"), "signing_secret": "fs"}
    assert _send("feishu", {}, secrets).ok
    [request] = receiver.at("/open-apis/bot/v2/hook/abc")
    body = request.json()
    stamp = body["timestamp"]
    assert abs(int(stamp) - time.time()) < 5  # seconds
    digest = hmac.new(f"{stamp}\nfs".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(digest).decode()
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == MESSAGE.title
    assert post["content"][0] == [{"tag": "text", "text": MESSAGE.body}]
    assert post["content"][1][0]["href"] == URL and post["content"][1][0]["tag"] == "a"


def test_feishu_request_fits_20_kb_and_its_error_codes_are_read(receiver: Receiver) -> None:
    long = Message(title="长消息", body="舆情\"引号\"" * 3000, url=URL)
    secrets = {"webhook": receiver.url("/feishu")}
    assert _send("feishu", {}, secrets, long).ok
    request = receiver.at("/feishu")[0]
    assert 19_900 < len(request.body) <= 20_000
    assert request.json()["content"]["post"]["zh_cn"]["content"][1][0]["href"] == URL
    receiver.answer("/feishu", Reply(200, b'{"code":19021,"msg":"sign match fail"}'))
    outcome = _send("feishu", {}, secrets)
    assert not outcome.ok and outcome.error == "Feishu error 19021: sign match fail"


def _mail(envelope: Any) -> EmailMessage:
    return message_from_bytes(envelope.original_content)


def _subject(mail: EmailMessage) -> str:
    return str(make_header(decode_header(mail["Subject"])))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_through_a_real_smtp_server_with_login() -> None:
    with smtp_server(login=("yq", "pa:ss@word")) as (mailbox, port):
        config = {"host": "127.0.0.1", "port": port, "security": "none", "username": "yq",
                  "from_addr": "yuqing@example.gov.cn",
                  "to": ["duty@example.gov.cn", "chief@example.gov.cn"]}
        outcome = _send("email", config, {"password": "pa:ss@word"})
        assert outcome.ok, outcome.error
        assert mailbox.logins == [("yq", "pa:ss@word")]
        assert sorted(tuple(m.rcpt_tos) for m in mailbox.messages) == [
            ("chief@example.gov.cn",), ("duty@example.gov.cn",)]
        mail = _mail(mailbox.messages[0])
        assert _subject(mail) == MESSAGE.title
        assert mail["From"] == "yuqing@example.gov.cn"
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        text = payload.decode("utf-8").replace("\r\n", "\n")
        assert text.startswith(MESSAGE.body) and text.rstrip().endswith(URL)
        refused = _send("email", config, {"password": "wrong"})
        assert not refused.ok and "535" in refused.error and "credentials" in refused.error


def test_email_with_starttls(tmp_path: Path) -> None:
    with smtp_server(tls=self_signed(tmp_path)) as (mailbox, port):
        config = {"host": "127.0.0.1", "port": port, "security": "starttls",
                  "verify_tls": False, "from_addr": "yuqing@example.gov.cn",
                  "to": ["duty@example.gov.cn"]}
        assert _send("email", config, {}).ok
        assert len(mailbox.messages) == 1
        checked = _send("email", {**config, "verify_tls": True}, {})
        assert not checked.ok and "certificate" in checked.error.lower()
        plain = _send("email", {**config, "security": "none"}, {})
        assert not plain.ok  # the server requires STARTTLS


def test_email_to_a_closed_port_names_the_cause() -> None:
    config = {"host": "127.0.0.1", "port": 9, "security": "none",
              "from_addr": "yuqing@example.gov.cn", "to": ["duty@example.gov.cn"]}
    outcome = _send("email", config, {})
    assert not outcome.ok and outcome.retry
    assert "Connection refused" in outcome.error

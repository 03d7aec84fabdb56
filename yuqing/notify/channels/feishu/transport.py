"""Feishu / Lark custom bot: a rich-text ("post") message POSTed to the bot's webhook.

Signing (Feishu's custom-bot guide, open.feishu.cn "自定义机器人使用指南", 签名校验):
``timestamp`` in seconds, ``sign`` = Base64(HMAC-SHA256(key="{timestamp}\\n{secret}",
message=empty)); both go into the JSON body. Limits: the request body may not exceed 20 KB
(answered with code 9499 otherwise); 100 messages a minute, 5 a second per bot. Success is
``{"code": 0}`` (older deployments: ``{"StatusCode": 0}``).
"""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport, mask
from yuqing.notify.channels.feishu.forms import FeishuForm
from yuqing.notify.channels.http import Answer, deliver, encode
from yuqing.notify.channels.robots import hmac_sha256_base64, judge_errcode
from yuqing.notify.models import Channel
from yuqing.notify.text import fit, headline, link_label

#: Bytes of the whole request body.
LIMIT = 20_000


def sign(secret: str, timestamp: int) -> str:
    return hmac_sha256_base64(f"{timestamp}\n{secret}", "")


def payload(message: Message, *, secret: str = "", timestamp: int = 0) -> bytes:
    """The request body, the message body cut so the whole of it fits :data:`LIMIT`."""
    base: dict[str, Any] = {}
    if secret:
        base = {"timestamp": str(timestamp), "sign": sign(secret, timestamp)}
    title = headline(message.title)

    def render(body: str) -> str:
        lines: list[list[dict[str, str]]] = [[{"tag": "text", "text": body}]] if body else []
        if message.url:
            lines.append([{"tag": "a", "text": link_label(), "href": message.url}])
        post = {"zh_cn": {"title": title, "content": lines}}
        return encode({**base, "msg_type": "post", "content": {"post": post}}).decode("utf-8")

    return fit(render, message.body.strip(), LIMIT).encode("utf-8")


def judge(answer: Answer) -> Outcome:
    return judge_errcode("Feishu", answer, code_keys=("code", "StatusCode"))


class Feishu(Transport):
    kind = "feishu"
    form = FeishuForm
    help = _("Posts to a Feishu or Lark group through its custom bot's webhook, signed when "
             "a signing secret is given.")

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        body = payload(message, secret=channel.secrets.get("signing_secret", ""),
                       timestamp=int(time.time()))
        return deliver(channel.secrets["webhook"], body, timeout=attempt.timeout, judge=judge)

    def summary(self, channel: Channel) -> str:
        signed = _(" (signed)") if channel.secrets.get("signing_secret") else ""
        return mask(channel.secrets.get("webhook", "")) + str(signed)


TRANSPORT = Feishu()

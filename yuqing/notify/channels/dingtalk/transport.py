"""DingTalk custom robot: ``{"msgtype": "markdown" | "text", …}`` POSTed to the robot's
webhook, signed when the robot requires it.

Signing (DingTalk's custom-robot documentation, open.dingtalk.com "自定义机器人安全设置",
加签): ``timestamp`` in milliseconds, ``sign`` = Base64(HMAC-SHA256(key=secret,
message="{timestamp}\\n{secret}")), URL-encoded; both are added to the query string, and the
timestamp must be within an hour of DingTalk's clock. Limits: at most 20 messages a minute
per robot; the content is capped at 20,000 bytes here (Apprise's DingTalk plugin uses 19,985
characters). Success is ``{"errcode": 0}``.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport, mask
from yuqing.notify.channels.dingtalk.forms import DingTalkForm
from yuqing.notify.channels.http import Answer, deliver, encode
from yuqing.notify.channels.robots import hmac_sha256_base64, judge_errcode
from yuqing.notify.models import Channel
from yuqing.notify.text import defang_markdown, fit, headline, link_label

LIMIT = 20_000


def sign(secret: str, timestamp_ms: int) -> str:
    return hmac_sha256_base64(secret, f"{timestamp_ms}\n{secret}")


def signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    query = urlencode({"timestamp": timestamp_ms, "sign": sign(secret, timestamp_ms)})
    return webhook + ("&" if "?" in webhook else "?") + query


def payload(message: Message, fmt: str) -> dict[str, Any]:
    title = headline(message.title)
    if fmt == "markdown":
        link = f"[{link_label()}]({message.url})" if message.url else ""

        def render(body: str) -> str:
            # DingTalk's Markdown needs a blank line for a paragraph break.
            paragraphs = [line for line in defang_markdown(body).splitlines() if line.strip()]
            return "\n\n".join([f"#### {defang_markdown(title)}", *paragraphs, link]).strip()

        text = fit(render, message.body.strip(), LIMIT)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}

    def render_text(body: str) -> str:
        return "\n".join(p for p in (title, body, message.url) if p)

    return {"msgtype": "text",
            "text": {"content": fit(render_text, message.body.strip(), LIMIT)}}


def judge(answer: Answer) -> Outcome:
    return judge_errcode("DingTalk", answer, code_keys=("errcode",))


class DingTalk(Transport):
    kind = "dingtalk"
    form = DingTalkForm
    help = _("Posts to a DingTalk group through its custom robot's webhook, signed when a "
             "signing secret is given.")

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        url = channel.secrets["webhook"]
        if secret := channel.secrets.get("signing_secret"):
            url = signed_url(url, secret, int(time.time() * 1000))
        fmt = channel.config.get("format") or "markdown"
        return deliver(url, encode(payload(message, fmt)), timeout=attempt.timeout,
                       judge=judge)

    def summary(self, channel: Channel) -> str:
        signed = _(" (signed)") if channel.secrets.get("signing_secret") else ""
        return mask(channel.secrets.get("webhook", "")) + str(signed)


TRANSPORT = DingTalk()

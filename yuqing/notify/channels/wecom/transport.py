"""WeCom group robot: ``{"msgtype": "markdown" | "text", …}`` POSTed to the robot's webhook.

Limits (WeCom's group-robot documentation, developer.work.weixin.qq.com/document/path/91770):
``text.content`` at most 2048 bytes and ``markdown.content`` at most 4096 bytes, UTF-8; at
most 20 messages a minute per robot (a rate-limited message is answered with errcode 45009
and retried by the worker). Success is ``{"errcode": 0}``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport, mask
from yuqing.notify.channels.http import Answer, deliver, encode
from yuqing.notify.channels.robots import judge_errcode
from yuqing.notify.channels.wecom.forms import WeComForm
from yuqing.notify.models import Channel, Severity
from yuqing.notify.text import defang_markdown, fit, headline, link_label

LIMITS = {"markdown": 4096, "text": 2048}


def payload(message: Message, fmt: str) -> dict[str, Any]:
    title = headline(message.title)
    if fmt == "markdown":
        heading = f"### {defang_markdown(title)}"
        if message.severity != Severity.INFO:
            heading = f'### <font color="warning">{defang_markdown(title)}</font>'
        link = f"[{link_label()}]({message.url})" if message.url else ""

        def render(body: str) -> str:
            return "\n".join(p for p in (heading, defang_markdown(body), link) if p)
    else:
        def render(body: str) -> str:
            return "\n".join(p for p in (title, body, message.url) if p)
    content = fit(render, message.body.strip(), LIMITS[fmt])
    return {"msgtype": fmt, fmt: {"content": content}}


def judge(answer: Answer) -> Outcome:
    return judge_errcode("WeCom", answer, code_keys=("errcode",))


class WeCom(Transport):
    kind = "wecom"
    form = WeComForm
    help = _("Posts to a WeCom group through its robot's webhook.")

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        fmt = channel.config.get("format") or "markdown"
        return deliver(channel.secrets["webhook"], encode(payload(message, fmt)),
                       timeout=attempt.timeout, judge=judge)

    def summary(self, channel: Channel) -> str:
        return mask(channel.secrets.get("webhook", ""))


TRANSPORT = WeCom()

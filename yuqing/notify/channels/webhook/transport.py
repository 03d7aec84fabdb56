"""POST one JSON object per message, optionally signed.

Apprise's ``json://`` plugin fixes the payload's shape and cannot sign it, so this kind uses
:mod:`yuqing.notify.channels.http`. The payload carries the idempotency key and the delivery
id, so a receiver can drop the repeat that a retry after a lost answer produces.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport
from yuqing.notify.channels.http import accept_any, deliver, encode
from yuqing.notify.channels.webhook.forms import WebhookForm
from yuqing.notify.models import Channel
from yuqing.notify.text import cut

#: No service limit applies; bounded so a receiver's request-size limit is not the surprise.
BODY_CHARS = 32_768


def payload(message: Message, attempt: Attempt) -> dict[str, Any]:
    return {
        "title": message.title,
        "body": cut(message.body, BODY_CHARS),
        "url": message.url,
        "severity": message.severity,
        "key": message.key,
        "unit": {"code": attempt.unit_code, "name": attempt.unit_name},
        "test": attempt.test,
        "delivery": attempt.delivery_id,
        "sent_at": timezone.now().isoformat(),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


class Webhook(Transport):
    kind = "webhook"
    form = WebhookForm
    help = _("POSTs a JSON object: title, body, url, severity, key, unit, test, delivery, "
             "sent_at.")
    concurrency = 4

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        body = encode(payload(message, attempt))
        headers: dict[str, str] = {}
        if (name := channel.config.get("header_name")) and channel.secrets.get("header_value"):
            headers[name] = channel.secrets["header_value"]
        if secret := channel.secrets.get("signing_secret"):
            timestamp = str(int(time.time()))
            headers["X-Yuqing-Timestamp"] = timestamp
            headers["X-Yuqing-Signature"] = signature(secret, timestamp, body)
        return deliver(channel.config["url"], body, timeout=attempt.timeout, judge=accept_any,
                       headers=headers)

    def summary(self, channel: Channel) -> str:
        # Without the query string, which some receivers use for a token.
        return str(channel.config.get("url", "")).partition("?")[0]


TRANSPORT = Webhook()

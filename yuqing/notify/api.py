"""What other capabilities call to tell people something: :func:`notify` with a
:class:`Message`.

It only inserts rows (deliveries for the unit's channels, notifications for named users),
so it is cheap and safe inside another app's transaction: nothing is sent unless that
transaction commits, and a slow or broken channel cannot hold it up. Sending is the delivery
worker's job (:mod:`yuqing.notify.worker`), woken as soon as the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yuqing.notify import conf, wakeup
from yuqing.notify.models import (
    SEVERITY_ORDER,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    at_least,
)
from yuqing.orgs.models import Unit, User

logger = logging.getLogger(__name__)

_TITLE_MAX = Delivery._meta.get_field("title").max_length or 500
_URL_MAX = Delivery._meta.get_field("url").max_length or 1000
_KEY_MAX = Delivery._meta.get_field("key").max_length or 200


@dataclass(frozen=True)
class Message:
    """What to tell people; each channel renders and cuts it to its own format and limits."""

    title: str
    """Headline, cut to each channel's limit."""
    body: str
    """Plain text (may use simple line breaks); cut per channel."""
    url: str = ""
    """Absolute link back into yuqing (:func:`public_url` of a path); a path starting with
    ``/`` is made absolute by :func:`notify`."""
    severity: str = "info"
    """One of "info", "warning", "critical"; a channel may take only the more severe."""
    key: str = ""
    """Idempotency key: the same key to the same channel or user is delivered once, however
    often :func:`notify` is called with it."""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_ORDER:
            raise ValueError(f"severity must be one of {', '.join(SEVERITY_ORDER)}, "
                             f"not {self.severity!r}")


def public_url(path: str) -> str:
    """The absolute address of a yuqing page (``YUQING_PUBLIC_URL`` + ``path``)."""
    return conf.public_url() + "/" + path.lstrip("/")


def channels_for(unit: Unit, severity: str) -> list[Channel]:
    """Enabled channels taking ``severity`` for ``unit``: the unit's own, and those of its
    ancestors that asked for their subtree."""
    codes = [code for code in unit.path.split("/") if code]
    ancestors = ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes))]
    return list(Channel.objects.filter(
        Q(unit=unit) | Q(include_subtree=True, unit__path__in=ancestors),
        enabled=True, min_severity__in=at_least(severity)))


def notify(unit: Unit, message: Message, *, users: Iterable[User] = ()) -> int:
    """Queue deliveries of ``message`` to every enabled channel configured for ``unit`` (and,
    as configured, its ancestors), plus in-app notifications to ``users``; returns how many
    were queued (a key already delivered to a channel or user is not queued again)."""
    message = _stored_form(message)
    fields: dict[str, Any] = {"unit": unit, "title": message.title, "body": message.body,
                              "url": message.url, "severity": message.severity,
                              "key": message.key}
    channels = channels_for(unit, message.severity)
    if message.key and channels:
        done = set(Delivery.objects.filter(key=message.key, channel__in=channels)
                   .values_list("channel_id", flat=True))
        channels = [c for c in channels if c.pk not in done]
    queued = 0
    if channels:
        now = timezone.now()
        # ignore_conflicts: a concurrent call with the same key loses quietly to the unique
        # constraint instead of failing the caller's transaction.
        Delivery.objects.bulk_create(
            [Delivery(channel=c, status=DeliveryStatus.QUEUED, next_attempt_at=now, **fields)
             for c in channels],
            ignore_conflicts=True)
        queued += len(channels)
        transaction.on_commit(wakeup.wake)
    queued += _notify_users({u.pk: u for u in users}, fields)
    return queued


def _notify_users(users: dict[int, User], fields: dict[str, Any]) -> int:
    if not users:
        return 0
    if fields["key"]:
        done = set(Notification.objects.filter(key=fields["key"], user_id__in=users)
                   .values_list("user_id", flat=True))
        users = {pk: u for pk, u in users.items() if pk not in done}
    Notification.objects.bulk_create(
        [Notification(user=u, **fields) for u in users.values()],
        ignore_conflicts=True)
    return len(users)


def _stored_form(message: Message) -> Message:
    """The message as the columns hold it: absolute link, bounded title, bounded key (a long
    key is replaced by its hash, so it still identifies the message)."""
    url = public_url(message.url) if message.url.startswith("/") else message.url
    if len(url) > _URL_MAX:
        logger.warning("notify: a link of %d characters was dropped from %r", len(url),
                       message.title[:80])
        url = ""
    key = message.key
    if len(key) > _KEY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return replace(message, title=message.title[:_TITLE_MAX], url=url, key=key)

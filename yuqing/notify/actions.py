"""Changes to channels, each recorded in the audit log by hand: channels are not among the
signal-audited apps, because the signals would copy their secrets into the log. Entries name
the secrets that changed, never their values.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuqing.audit.models import Action
from yuqing.audit.record import record
from yuqing.notify import wakeup, worker
from yuqing.notify.api import public_url
from yuqing.notify.models import Channel, Delivery, DeliveryStatus, Severity
from yuqing.orgs.models import User

_FIELDS = ("name", "kind", "unit_id", "include_subtree", "min_severity", "enabled", "config")


def _plain(channel: Channel) -> dict[str, Any]:
    return {name: getattr(channel, name) for name in _FIELDS}


def save_channel(channel: Channel, config: dict[str, Any], secrets: dict[str, str]) -> Channel:
    """Store ``channel`` (its common fields already set) with new settings, and log it."""
    created = channel.pk is None
    before = None if created else Channel.objects.get(pk=channel.pk)
    channel.config, channel.secrets = config, secrets
    with transaction.atomic():
        channel.save()
        if before is None:
            record(Action.CREATE, obj=channel, details={
                "fields": _plain(channel), "secrets": sorted(secrets)})
        else:
            old, new = _plain(before), _plain(channel)
            changes: dict[str, Any] = {k: [old[k], v] for k, v in new.items() if old[k] != v}
            changed = sorted(k for k in {*before.secrets, *secrets}
                             if before.secrets.get(k) != secrets.get(k))
            if changed:
                changes["secrets changed"] = changed
            if changes:
                record(Action.UPDATE, obj=channel, details={"changes": changes})
    return channel


def toggle(channel: Channel) -> None:
    channel.enabled = not channel.enabled
    with transaction.atomic():
        channel.save(update_fields=["enabled", "updated_at"])
        record(Action.UPDATE, obj=channel,
               details={"changes": {"enabled": [not channel.enabled, channel.enabled]}})


def queue_test(channel: Channel, user: User) -> Delivery:
    """A test message to ``channel`` (enabled or not; not retried, so its first answer
    shows), sent by the worker like any other."""
    path = reverse("notify:channels:detail", args=[channel.pk])
    with transaction.atomic():
        delivery = Delivery.objects.create(
            channel=channel, unit=channel.unit, is_test=True, severity=Severity.INFO,
            title=_("Test message from yuqing"),
            body=_("%(user)s sent this from the page of channel “%(channel)s” to check that "
                   "it works. Nothing needs to be done.") % {
                "user": user.get_full_name() or user.get_username(), "channel": channel.name},
            url=public_url(path), key=f"test:{uuid.uuid4().hex}",
            status=DeliveryStatus.QUEUED, next_attempt_at=timezone.now())
        record(Action.CREATE, obj=delivery, details={"channel": channel.pk, "test": True})
        transaction.on_commit(wakeup.wake)
    return delivery


def retry(delivery: Delivery) -> bool:
    """Send a failed delivery again, with a fresh count of attempts."""
    with transaction.atomic():
        again = worker.requeue(Delivery.objects.filter(pk=delivery.pk)) == 1
        if again:
            record(Action.UPDATE, obj=delivery, details={"changes": {
                "status": [DeliveryStatus.FAILED, DeliveryStatus.QUEUED]}})
    return again

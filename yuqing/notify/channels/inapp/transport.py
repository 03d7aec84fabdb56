"""In-app notifications: one :class:`~yuqing.notify.models.Notification` per member of the
channel's unit (of the chosen roles), shown under the bell in the page header.

A message with a key reaches each user once, whether through this channel, another in-app
channel or :func:`~yuqing.notify.api.notify`'s ``users``: the rows are unique per user and
key. Without a key the delivery's id stands in, so a retried delivery is not doubled.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport, sent
from yuqing.notify.channels.inapp.forms import InAppForm
from yuqing.notify.models import Channel, Notification
from yuqing.orgs.models import User
from yuqing.orgs.roles import Role


class InApp(Transport):
    kind = "inapp"
    form = InAppForm
    help = _("Shows the message inside yuqing to the members of the channel's unit.")
    concurrency = 4

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        users = User.objects.filter(unit_id=channel.unit_id, is_active=True)
        if roles := channel.config.get("roles"):
            users = users.filter(role__in=roles)
        key = message.key or f"delivery:{attempt.delivery_id}"
        Notification.objects.bulk_create(
            [Notification(user_id=pk, unit_id=attempt.unit_id, title=message.title,
                          body=message.body, url=message.url, severity=message.severity,
                          key=key) for pk in users.values_list("pk", flat=True)],
            ignore_conflicts=True)
        return sent()

    def summary(self, channel: Channel) -> str:
        roles = channel.config.get("roles") or []
        if not roles:
            return str(_("every member"))
        return ", ".join(str(Role(r).label) for r in roles if r in Role.values)


TRANSPORT = InApp()

"""Email through the unit's SMTP server, sent by Apprise's email plugin (SMTP, STARTTLS or
TLS, login, one message per recipient): see :mod:`.apprise_send`.

Limits: the subject is cut to 200 characters (RFC 5322 §2.1.1 allows lines of 998, but mail
clients show far less); the body to 100,000 characters, with the link kept after it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, Transport, failed, sent
from yuqing.notify.channels.email.forms import EmailForm
from yuqing.notify.models import Channel
from yuqing.notify.text import cut, headline, link_label

BODY_CHARS = 100_000


def body(message: Message) -> str:
    text = cut(message.body.strip(), BODY_CHARS)
    if message.url:
        text = f"{text}\n\n{link_label()}: {message.url}".strip()
    return text


class Email(Transport):
    kind = "email"
    form = EmailForm
    help = _("Sends an email through an SMTP server to a list of addresses.")
    concurrency = 2

    def send(self, channel: Channel, message: Message, attempt: Attempt) -> Outcome:
        from yuqing.notify.channels.email import apprise_send

        try:
            problem = apprise_send.send(
                channel.config, channel.secrets.get("password", ""),
                subject=headline(message.title), body=body(message), timeout=attempt.timeout)
        except ValueError as exc:
            return failed(str(exc), retry=False)
        return failed(problem) if problem else sent()

    def summary(self, channel: Channel) -> str:
        recipients = len(channel.config.get("to", []))
        return f"{channel.config.get('host', '')} → {recipients} " + str(_("recipient(s)"))


TRANSPORT = Email()

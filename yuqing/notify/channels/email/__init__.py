"""Email through an SMTP server, sent by Apprise."""

from yuqing.notify.channels.email.transport import TRANSPORT

__all__ = ["TRANSPORT"]

"""Generic JSON webhook: any receiver that takes a POST (an on-call system, a script)."""

from yuqing.notify.channels.webhook.transport import TRANSPORT

__all__ = ["TRANSPORT"]

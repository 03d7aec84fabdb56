"""Notifications inside yuqing for the members of a unit."""

from yuqing.notify.channels.inapp.transport import TRANSPORT

__all__ = ["TRANSPORT"]

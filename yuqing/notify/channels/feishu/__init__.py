"""Feishu (飞书) and Lark custom bots."""

from yuqing.notify.channels.feishu.transport import TRANSPORT

__all__ = ["TRANSPORT"]

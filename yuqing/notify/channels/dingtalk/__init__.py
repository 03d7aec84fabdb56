"""DingTalk (钉钉) custom group robots."""

from yuqing.notify.channels.dingtalk.transport import TRANSPORT

__all__ = ["TRANSPORT"]

"""WeCom (企业微信) group robots."""

from yuqing.notify.channels.wecom.transport import TRANSPORT

__all__ = ["TRANSPORT"]

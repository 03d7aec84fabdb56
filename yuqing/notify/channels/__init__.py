"""Channel kinds by name, imported on first use.

Only a process that edits or sends to a kind pays for its imports (Apprise's plugin table
for email is the heavy one), so the registry names modules rather than importing them.
"""

from __future__ import annotations

from importlib import import_module

from yuqing.notify.channels.base import Transport
from yuqing.notify.models import ChannelKind

_MODULES: dict[str, str] = {
    ChannelKind.EMAIL: "yuqing.notify.channels.email",
    ChannelKind.WEBHOOK: "yuqing.notify.channels.webhook",
    ChannelKind.WECOM: "yuqing.notify.channels.wecom",
    ChannelKind.DINGTALK: "yuqing.notify.channels.dingtalk",
    ChannelKind.FEISHU: "yuqing.notify.channels.feishu",
    ChannelKind.INAPP: "yuqing.notify.channels.inapp",
}


def kinds() -> list[str]:
    return [str(kind) for kind in _MODULES]


def get(kind: str) -> Transport:
    """The transport of ``kind``; ``KeyError`` for an unknown kind."""
    transport: Transport = import_module(_MODULES[kind]).TRANSPORT
    return transport

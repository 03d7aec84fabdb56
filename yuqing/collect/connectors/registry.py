"""Connectors by source kind, imported on first use.

Each connector module pulls in its parser (feedparser, trafilatura, lxml…); the web process
should not pay for them until a source of that kind is edited or collected, so the registry
names modules and imports them lazily.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

from yuqing.collect.connectors.base import Connector
from yuqing.collect.models import SourceKind

_MODULES: dict[str, str] = {
    SourceKind.RSS: "yuqing.collect.connectors.rss",
    SourceKind.WEB: "yuqing.collect.connectors.web",
    SourceKind.SITEMAP: "yuqing.collect.connectors.sitemap",
    SourceKind.API: "yuqing.collect.connectors.jsonapi",
    SourceKind.FOLDER: "yuqing.collect.connectors.folder",
    SourceKind.PUSH: "yuqing.collect.connectors.push",
}
#: Kinds whose sources fetch themselves, and how often when the source does not say: feeds
#: and APIs are cheap to ask (conditional GET), a folder cheaper still, sitemaps are large.
DEFAULT_EVERY: dict[str, timedelta] = {
    SourceKind.RSS: timedelta(minutes=15),
    SourceKind.WEB: timedelta(minutes=30),
    SourceKind.SITEMAP: timedelta(hours=1),
    SourceKind.API: timedelta(minutes=15),
    SourceKind.FOLDER: timedelta(minutes=5),
}
FETCHING = frozenset(DEFAULT_EVERY)


def kinds() -> list[str]:
    """Source kinds that have a connector."""
    return [str(kind) for kind in _MODULES]


def get(kind: str) -> Connector[Any] | None:
    """The connector for ``kind``, or ``None`` for kinds without one (accounts, imports)."""
    module = _MODULES.get(kind)
    if module is None:
        return None
    connector: Connector[Any] = import_module(module).CONNECTOR
    return connector

"""RSS and Atom feeds (feedparser), including GB2312/GBK feeds."""

from yuqing.collect.connectors.rss.connector import CONNECTOR

__all__ = ["CONNECTOR"]

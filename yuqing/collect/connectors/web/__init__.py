"""Web list pages: find article links on them, then fetch and read each new article."""

from yuqing.collect.connectors.web.connector import CONNECTOR

__all__ = ["CONNECTOR"]

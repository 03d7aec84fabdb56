"""JSON HTTP APIs, with a mapping from JSON paths to item fields and paging."""

from yuqing.collect.connectors.jsonapi.connector import CONNECTOR

__all__ = ["CONNECTOR"]

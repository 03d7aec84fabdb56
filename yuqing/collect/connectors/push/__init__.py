"""The push API as a connector: nothing to fetch, but a source like any other for health."""

from yuqing.collect.connectors.push.connector import CONNECTOR

__all__ = ["CONNECTOR"]

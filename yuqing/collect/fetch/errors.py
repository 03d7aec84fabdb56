"""The one exception the fetch layer raises, worded for the source's health page."""

from __future__ import annotations


class FetchError(Exception):
    """A URL could not be fetched; ``str(exc)`` says why, for people.

    ``reason`` is a short fixed code for code and tests ("http", "timeout", "too_large",
    "redirects", "robots", "robots_unavailable", "network", "url"); ``status`` is the HTTP
    status when there was one.
    """

    def __init__(self, reason: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status

"""The fetch limits, from the ``YUQING_FETCH_*`` settings or given directly (tests, bench)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str
    #: Seconds to connect, between two reads, and for a whole response.
    timeout: float
    max_bytes: int
    max_redirects: int
    #: Further attempts after a timeout, a network error, HTTP 429 or a 5xx answer.
    retries: int
    #: Seconds before the first retry; doubled for each further one.
    backoff: float
    #: Seconds between the starts of two requests to one host, and requests at once per host,
    #: unless a :class:`~yuqing.collect.models.HostPolicy` says otherwise.
    host_delay: float
    host_concurrency: int

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        return cls(
            user_agent=settings.YUQING_FETCH_USER_AGENT,
            timeout=float(settings.YUQING_FETCH_TIMEOUT),
            max_bytes=settings.YUQING_FETCH_MAX_BYTES,
            max_redirects=settings.YUQING_FETCH_MAX_REDIRECTS,
            retries=settings.YUQING_FETCH_RETRIES,
            backoff=settings.YUQING_FETCH_BACKOFF_MS / 1000,
            host_delay=settings.YUQING_FETCH_HOST_DELAY_MS / 1000,
            host_concurrency=settings.YUQING_FETCH_HOST_CONCURRENCY,
        )

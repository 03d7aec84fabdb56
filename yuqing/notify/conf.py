"""Delivery settings (docs/settings.md), read when used so that a changed environment (a
test, a reloaded env file) takes effect at once; :func:`check` reads them all at start-up so
a malformed value stops yuqing then, not at the first alert."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from yuqing.env import SettingError, env_int, env_str


def workers() -> int:
    """Deliveries sent at once by one process (each in its own thread)."""
    return env_int("YUQING_NOTIFY_WORKERS", 8, minimum=1, maximum=64)


def timeout() -> int:
    """Seconds one attempt may take before it counts as failed (connect, send, answer)."""
    return env_int("YUQING_NOTIFY_TIMEOUT", 10, minimum=1, maximum=300)


def attempts() -> int:
    """Attempts per delivery before it is marked failed."""
    return env_int("YUQING_NOTIFY_ATTEMPTS", 6, minimum=1, maximum=50)


def backoff() -> int:
    """Seconds before the first retry; each further retry waits twice as long."""
    return env_int("YUQING_NOTIFY_BACKOFF", 15, minimum=1, maximum=3600)


def keep_days() -> int:
    """Days sent and failed deliveries, and read notifications, are kept."""
    return env_int("YUQING_NOTIFY_KEEP_DAYS", 90, minimum=1, maximum=36_500)


def public_url() -> str:
    """yuqing's address as its users reach it (links in messages), without a trailing /."""
    default = f"http://{settings.YUQING_HOST}:{settings.YUQING_PORT}"
    value = env_str("YUQING_PUBLIC_URL", default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise SettingError("YUQING_PUBLIC_URL", value,
                           "an http(s) address such as https://yuqing.example.gov.cn")
    return value.rstrip("/")


def check() -> None:
    for read in (workers, timeout, attempts, backoff, keep_days, public_url):
        read()

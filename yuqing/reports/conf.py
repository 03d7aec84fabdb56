"""Settings of the dashboard and reports (``YUQING_*`` environment variables), read when used
so that a test or a reloaded env file takes effect at once."""

from __future__ import annotations

from datetime import timedelta

from yuqing.env import env_int, env_str


def dashboard_refresh_seconds() -> int:
    """How often an open dashboard reloads its panels (HTMX polling)."""
    return env_int("YUQING_DASHBOARD_REFRESH_SECONDS", 60, minimum=10, maximum=3600)


def rollup_every() -> timedelta:
    """How often the hourly counts behind the dashboard and reports catch up with analysed
    items: the longest the dashboard lags behind the analysis."""
    return timedelta(seconds=env_int("YUQING_REPORTS_ROLLUP_SECONDS", 30, minimum=5,
                                     maximum=3600))


def draft_url() -> str:
    """Base URL of an OpenAI-compatible API that drafts event paragraphs; empty: off."""
    return env_str("YUQING_DRAFT_URL", "")


def draft_model() -> str:
    """The model the drafting endpoint is asked for, and named in the draft's mark."""
    return env_str("YUQING_DRAFT_MODEL", "")


def draft_api_key() -> str:
    """Sent as a bearer token when set (a local server usually needs none)."""
    return env_str("YUQING_DRAFT_API_KEY", "")


def draft_timeout() -> int:
    """Seconds one drafting request may take in all, answer included."""
    return env_int("YUQING_DRAFT_TIMEOUT", 30, minimum=1, maximum=600)

"""Settings of the alerts capability (docs/settings.md), read when used."""

from __future__ import annotations

from yuqing.env import env_int


def preview_items() -> int:
    """Most recent items of the last 7 days a scheme preview scans (newest first)."""
    return env_int("YUQING_SCHEME_PREVIEW_ITEMS", 20_000, minimum=100, maximum=1_000_000)

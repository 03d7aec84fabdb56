"""Settings of the case app, read when used (``YUQING_*`` environment variables)."""

from __future__ import annotations

from datetime import timedelta

from yuqing.env import env_int


def deadline_check_every() -> timedelta:
    """How often missed deadlines are looked for: the longest an escalation can be late."""
    return timedelta(seconds=env_int("YUQING_CASES_DEADLINE_CHECK_SECONDS", 60,
                                     minimum=5, maximum=3600))

"""The platform's own periodic jobs; other apps register theirs in their ``ready``."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from yuqing.server.scheduler import register


def clear_sessions() -> None:
    """Delete expired sessions; Django leaves them in the table until someone does."""
    call_command("clearsessions")


def register_all() -> None:
    register("clearsessions", timedelta(days=1), clear_sessions)

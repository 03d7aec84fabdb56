"""Who is acting, and within which request: set once per request or command, read by recorders.

A ``ContextVar`` rather than a thread-local so that it is also correct under async views and
in the scheduler's worker threads (each job opens its own context).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    channel: str
    user: Any = None
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)


_current: ContextVar[AuditContext | None] = ContextVar("yuqing_audit_context", default=None)


def current() -> AuditContext:
    """The active context; outside any, a fresh "system" one for each call."""
    return _current.get() or AuditContext(channel="system")


@contextmanager
def acting(channel: str, user: Any = None) -> Iterator[AuditContext]:
    """Act as ``user`` through ``channel``; nested inside another context (an API view that
    authenticates by token within a web request), the outer request id is kept, so the log
    entries still match the request's ``X-Request-Id``."""
    outer = _current.get()
    ctx = (AuditContext(channel=channel, user=user, request_id=outer.request_id) if outer
           else AuditContext(channel=channel, user=user))
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)

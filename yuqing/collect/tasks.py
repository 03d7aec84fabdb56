"""Collection runs of single sources as Celery tasks (see :mod:`yuqing.server.broker`).

The dispatcher claims a due source and sends its id and claim time; a worker on any machine
runs :func:`~yuqing.collect.sources.dispatch.collect`, which does nothing if the claim was
re-taken meanwhile, so a message delivered late, or twice, never runs a source twice.
"""

from __future__ import annotations

from datetime import datetime

from yuqing.audit.context import acting
from yuqing.collect.sources.dispatch import STALE, collect
from yuqing.server.broker import app


@app.task(name="yuqing.collect")
def collect_source(source_id: int, claimed_at: str) -> str:
    with acting("system"):
        return collect(source_id, datetime.fromisoformat(claimed_at))


def send(source_id: int, claimed_at: datetime) -> None:
    """Queue the claimed run; the message expires when the claim goes stale."""
    collect_source.apply_async((source_id, claimed_at.isoformat()),
                               expires=STALE.total_seconds())

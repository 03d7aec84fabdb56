"""The signal that new deliveries are waiting, so the worker need not wait for its next poll.

:func:`yuqing.notify.api.notify` raises it when the transaction that queued deliveries
commits, and a sender thread when it finishes (its channel may have more waiting). Within
one process this takes a delivery from commit to sender in milliseconds; across processes
the worker's one-second poll still finds it.
"""

from __future__ import annotations

import threading

_event = threading.Event()


def wake() -> None:
    _event.set()


def clear() -> None:
    _event.clear()


def wait(seconds: float) -> bool:
    """Wait up to ``seconds`` for a wake-up; True if one came."""
    return _event.wait(seconds)

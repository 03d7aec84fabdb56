"""One pipeline runner at a time, across processes: a lease on the ``PipelineState`` row.

Taken and renewed with one conditional UPDATE, like the scheduler's job claims; a holder that
died stops renewing and its lease lapses after ``LEASE``, so work never stalls for long.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from yuqing.analysis.models import PipelineState

LEASE = timedelta(seconds=60)


def holder_id() -> str:
    """This process and thread: two threads of one process must not both run the pipeline."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def acquire(holder: str) -> bool:
    """Take or renew the lease; False if another live holder has it."""
    now = timezone.now()
    PipelineState.objects.get_or_create(id=1)
    free = Q(holder="") | Q(lease_until__lt=now) | Q(holder=holder)
    return PipelineState.objects.filter(free, id=1).update(
        holder=holder, lease_until=now + LEASE) == 1


def release(holder: str) -> None:
    PipelineState.objects.filter(id=1, holder=holder).update(holder="", lease_until=None)


def generation() -> int:
    return PipelineState.objects.get_or_create(id=1)[0].generation


def bump() -> int:
    """Advance the generation (inside the caller's transaction) and return the new value."""
    with transaction.atomic():
        PipelineState.objects.get_or_create(id=1)
        PipelineState.objects.filter(id=1).update(generation=F("generation") + 1)
        return generation()

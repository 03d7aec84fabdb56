"""The delivery worker: claim due deliveries, send each in its own thread, record the outcome,
retry with exponential backoff, give up after ``YUQING_NOTIFY_ATTEMPTS``.

:func:`run` is the scheduler job (due every second, each run going on for half a minute). It
waits to be woken (:mod:`yuqing.notify.wakeup`: a transaction that queued deliveries
committed, or a send finished) and dispatches again at once, so a message queued by an alert
reaches its sender within milliseconds in the same process, and within the one-second look
from another.

A claim is one conditional UPDATE of the due rows to ``sending`` under a fresh token, with
``next_attempt_at`` moved to the end of a lease: two processes never send the same row, and
a row whose sender died is due again when its lease ends. Outcomes are written only where
the row still carries the sender's token. Rows are claimed only as far as this process has
free sender threads, and per channel only as far as the kind allows running at once, so a
hanging channel ties up its own thread(s) and nothing else.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation

from yuqing.notify import channels, conf, wakeup
from yuqing.notify.api import Message
from yuqing.notify.channels.base import Attempt, Outcome, failed
from yuqing.notify.models import PENDING, Delivery, DeliveryStatus, Notification
from yuqing.notify.pool import Senders, senders
from yuqing.notify.sealed import Unreadable
from yuqing.server.scheduler import stopping

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds one run of the job goes on dispatching. The next run starts only at a scheduler
#: tick after this one ends, and a delivery queued in between waits for it (up to 0.42 s of
#: an alert's latency at 300 items/s with a 0.8-s run); kept well under the job's one-minute
#: timeout, after which its claim would be taken for dead.
RUN_FOR = 30.0
#: Seconds between looks for due rows when nothing wakes the run: deliveries queued by
#: other processes, and retries whose backoff ended.
POLL = 1.0
#: Due rows looked at per dispatch (more than threads: some belong to busy channels).
CANDIDATES = 200
#: The most sends any kind runs at once to one channel (rows looked at per channel).
MOST_AT_ONCE = 4
#: Longest wait between two attempts.
MAX_BACKOFF = timedelta(hours=1)
_WRITE_TRIES = 6


def lease() -> timedelta:
    """How long a claim lasts: time for a send that uses several timeouts (an email to
    many recipients), and then some."""
    return timedelta(seconds=conf.timeout() * 10 + 60)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, with ±10 % jitter so
    that deliveries that failed together do not all retry in the same second."""
    seconds = conf.backoff() * 2 ** max(0, attempts - 1) * random.uniform(0.9, 1.1)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def due(now: datetime) -> Q:
    return Q(status__in=PENDING, next_attempt_at__lte=now)


def run(*, seconds: float = RUN_FOR) -> None:
    """The scheduler job: dispatch now, again whenever woken and at least every
    :data:`POLL` s, for ``seconds`` or until the scheduler stops."""
    pool = _senders()
    deadline = time.monotonic() + seconds
    while True:
        wakeup.clear()
        try:
            dispatch(pool=pool)
        except DatabaseError:  # a busy SQLite file; the next wake-up or look tries again
            logger.warning("could not claim deliveries", exc_info=True)
        left = deadline - time.monotonic()
        if left <= 0 or stopping():
            return
        wakeup.wait(min(left, POLL))


def _senders() -> Senders:
    return senders(conf.workers(), wakeup.wake)


def dispatch(now: datetime | None = None, *, pool: Senders | None = None) -> list[int]:
    """Claim the due deliveries this process has room for and hand them to ``pool``;
    returns their ids."""
    now = now or timezone.now()
    pool = pool or _senders()
    room = pool.free()
    if room <= 0:
        return []
    # The oldest few due rows of each channel that is not already sending all it may: a
    # backlog of one channel then takes a handful of the candidates, never all of them.
    ranked = Window(RowNumber(), partition_by=[F("channel_id")],
                    order_by=[F("next_attempt_at").asc(), F("pk").asc()])
    candidates = (Delivery.objects.filter(due(now)).exclude(channel_id__in=pool.full())
                  .annotate(rank=ranked).filter(rank__lte=MOST_AT_ONCE)
                  .order_by("next_attempt_at", "pk")
                  .values_list("pk", "channel_id", "channel__kind")[:CANDIDATES])
    taken: Counter[int] = Counter()
    picked: dict[int, int] = {}  # delivery → its channel's limit
    for pk, channel_id, kind in candidates:
        limit = _concurrency(kind)
        if taken[channel_id] + pool.running(channel_id) >= limit:
            continue
        taken[channel_id] += 1
        picked[pk] = limit
        if len(picked) == room:
            break
    if not picked:
        return []
    token = uuid.uuid4().hex
    Delivery.objects.filter(due(now), pk__in=list(picked)).update(
        status=DeliveryStatus.SENDING, claim=token, attempts=F("attempts") + 1,
        last_attempt_at=now, next_attempt_at=now + lease())
    claimed = list(Delivery.objects.filter(claim=token).values_list("pk", "channel_id"))
    for pk, channel_id in claimed:
        pool.submit(channel_id, _task(pk, token), limit=picked[pk])
    return [pk for pk, _ in claimed]


def _concurrency(kind: str) -> int:
    try:
        return channels.get(kind).concurrency
    except KeyError:  # a kind no longer known: one at a time, to fail it in attempt()
        return 1


def _task(pk: int, token: str) -> Callable[[], str]:
    return lambda: send(pk, token)


def send(pk: int, token: str) -> str:
    """Send the delivery claimed under ``token`` and record the outcome; returns the new
    status ("lost" when the claim is no longer ours)."""
    delivery = _retrying(lambda: Delivery.objects.select_related("channel", "unit")
                         .filter(pk=pk, claim=token).first())
    if delivery is None:
        return "lost"
    outcome = attempt(delivery)
    status = _retrying(lambda: _record(delivery, token, outcome))
    if not outcome.ok:
        logger.warning("delivery #%s to channel %r: attempt %d failed: %s", pk,
                       delivery.channel.name, delivery.attempts, outcome.error)
    return status


def attempt(delivery: Delivery) -> Outcome:
    channel = delivery.channel
    if not channel.enabled and not delivery.is_test:
        return failed("the channel is disabled", retry=False)
    if isinstance(channel.secrets, Unreadable):
        return failed("the channel's secrets do not open with any key in YUQING_SECRETS_KEY; "
                      "add the old key back, or enter them again", retry=False)
    message = Message(title=delivery.title, body=delivery.body, url=delivery.url,
                      severity=delivery.severity, key=delivery.key)
    unit = delivery.unit
    context = Attempt(delivery_id=delivery.pk, timeout=float(conf.timeout()),
                      test=delivery.is_test, unit_id=unit.pk if unit else None,
                      unit_code=unit.code if unit else "", unit_name=unit.name if unit else "")
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return channels.get(channel.kind).send(channel, message, context)
    except Exception as exc:  # a transport bug must not leave the row claimed
        logger.exception("delivery #%s: the %s transport failed", delivery.pk, channel.kind)
        return failed(f"internal error ({type(exc).__name__}: {exc})")


def _record(delivery: Delivery, token: str, outcome: Outcome) -> str:
    now = timezone.now()
    fields: dict[str, Any] = {"claim": "", "response_code": outcome.code,
                              "last_error": outcome.error}
    limit = 1 if delivery.is_test else conf.attempts()  # a test shows its first answer
    if outcome.ok:
        fields.update(status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None)
    elif outcome.retry and delivery.attempts < limit:
        fields.update(status=DeliveryStatus.QUEUED,
                      next_attempt_at=now + backoff(delivery.attempts))
    else:
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    Delivery.objects.filter(pk=delivery.pk, claim=token).update(**fields)
    return str(fields["status"])


def _retrying(operation: Callable[[], T]) -> T:
    """Run a database operation of a sender thread, retrying a locked database briefly: a
    lost outcome would mean sending the message again once the lease ends."""
    for attempt_no in range(_WRITE_TRIES):
        try:
            return operation()
        except OperationalError:
            if attempt_no == _WRITE_TRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt_no)
    raise AssertionError("unreachable")


def requeue(deliveries: QuerySet[Delivery]) -> int:
    """Send failed deliveries again (the delivery log's "retry"), with a fresh count of
    attempts; returns how many."""
    count = deliveries.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(),
        last_error="")
    if count:
        wakeup.wake()
    return count


def housekeeping(now: datetime | None = None) -> None:
    """Forget finished deliveries and read notifications older than
    ``YUQING_NOTIFY_KEEP_DAYS``. Nothing refers to these rows and no signal watches them,
    so each delete is a single statement."""
    before = (now or timezone.now()) - timedelta(days=conf.keep_days())
    Delivery.objects.filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED],
                            created_at__lt=before).delete()
    Notification.objects.filter(read_at__isnull=False, created_at__lt=before).delete()

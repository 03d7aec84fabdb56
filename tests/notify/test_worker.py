"""The delivery worker against real local receivers: sending, retry with backoff, giving up,
claims that never overlap, leases of dead senders, a hanging channel that delays no other,
and the latency from a committed notify() to the receiver."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from tests.notify.receivers import Receiver, Reply
from yuqing.notify import channels, worker
from yuqing.notify.api import Message, notify
from yuqing.notify.models import Channel, Delivery, DeliveryStatus, Notification
from yuqing.notify.pool import Senders
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.server.models import ScheduledJob
from yuqing.server.scheduler import Job, Scheduler

# Sender threads use their own database connections, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _queue(channel: Channel, **fields: object) -> Delivery:
    values: dict[str, object] = {
        "unit": channel.unit, "title": "滨江区：负面信息", "body": "正文", "key": "",
        "url": "https://yuqing.example.gov.cn/alerts/1/", "next_attempt_at": timezone.now()}
    return Delivery.objects.create(channel=channel, **{**values, **fields})


def _sent(pool: Senders, now: datetime | None = None) -> list[int]:
    """Dispatch once and wait until every send has finished."""
    claimed = worker.dispatch(now, pool=pool)
    assert pool.wait_idle(5)
    return claimed


class Recorder:
    """A pool that only records what it is given (as if the sender died at once)."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def free(self) -> int:
        return 100

    def running(self, channel_id: int) -> int:
        return 0

    def full(self) -> list[int]:
        return []

    def submit(self, channel_id: int, task: Callable[[], object], *, limit: int) -> None:
        self.submitted.append(channel_id)


def test_a_queued_delivery_is_sent_and_logged(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    delivery = _queue(make_channel("webhook", {"url": receiver.url("/hook")}))
    assert _sent(senders) == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error,
            delivery.claim) == (DeliveryStatus.SENT, 1, 200, "", "")
    assert delivery.sent_at is not None and delivery.next_attempt_at is None
    assert receiver.at("/hook")[0].json()["delivery"] == delivery.pk
    assert worker.dispatch(pool=senders) == []


def test_a_500_is_retried_after_the_backoff(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    receiver.answer("/hook", Reply(500, b"try later"))
    delivery = _queue(make_channel("webhook", {"url": receiver.url("/hook")}))
    started = timezone.now()
    _sent(senders)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.QUEUED, 1, 500)
    assert "HTTP 500" in delivery.last_error and "try later" in delivery.last_error
    assert delivery.next_attempt_at is not None
    wait = (delivery.next_attempt_at - started).total_seconds()
    assert 27 <= wait <= 34  # YUQING_NOTIFY_BACKOFF=30, ±10 %
    assert worker.dispatch(pool=senders) == []  # not due yet
    assert _sent(senders, delivery.next_attempt_at) == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT, 2, "")
    first, second = receiver.at("/hook")
    assert first.json()["key"] == second.json()["key"]


def test_backoff_doubles_and_the_last_attempt_fails_the_delivery(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    receiver.answer("/hook", *[Reply(503, b"busy")] * 3)
    delivery = _queue(make_channel("webhook", {"url": receiver.url("/hook")}))
    waits = []
    for _ in range(3):  # YUQING_NOTIFY_ATTEMPTS=3
        assert delivery.next_attempt_at is not None
        started = timezone.now()
        _sent(senders, delivery.next_attempt_at)
        delivery.refresh_from_db()
        if delivery.next_attempt_at is not None:
            waits.append((delivery.next_attempt_at - started).total_seconds())
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert 27 <= waits[0] <= 34 and 54 <= waits[1] <= 67
    assert worker.dispatch(timezone.now() + timedelta(days=1), pool=senders) == []


def test_a_refusal_that_cannot_pass_fails_at_once(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    receiver.answer("/hook", Reply(404, b"unknown hook"))
    delivery = _queue(make_channel("webhook", {"url": receiver.url("/hook")}))
    _sent(senders)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.FAILED, 1, 404)


def test_a_hanging_channel_with_a_backlog_does_not_delay_the_others(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    receiver.answer("/slow", Reply(delay=30))
    slow = make_channel("wecom", secrets={"webhook": receiver.url("/slow")}, name="slow")
    fast = make_channel("webhook", {"url": receiver.url("/fast")}, name="fast")
    now = timezone.now()
    Delivery.objects.bulk_create([  # queued before the healthy channel's message
        Delivery(channel=slow, title=f"积压{n}", next_attempt_at=now - timedelta(minutes=1))
        for n in range(300)])
    hung = Delivery.objects.filter(channel=slow).order_by("pk").first()
    assert hung is not None
    healthy = _queue(fast)
    started = time.monotonic()
    claimed = worker.dispatch(pool=senders)
    # One at a time to a chat robot: the backlog waits for the hung send, holding no thread.
    assert sorted(claimed) == sorted([hung.pk, healthy.pk])
    assert receiver.wait_for("/fast")
    assert receiver.at("/fast")[0].at - started < 0.5
    assert worker.dispatch(pool=senders) == []  # the robot is still busy
    assert senders.wait_idle(5)
    assert time.monotonic() - started < 3  # YUQING_NOTIFY_TIMEOUT=1
    hung.refresh_from_db()
    healthy.refresh_from_db()
    assert healthy.status == DeliveryStatus.SENT
    assert (hung.status, hung.last_error) == (DeliveryStatus.QUEUED, "no answer within 1 s")


def test_no_kind_sends_more_at_once_than_the_dispatcher_looks_at() -> None:
    assert all(channels.get(kind).concurrency <= worker.MOST_AT_ONCE
               for kind in channels.kinds())


def test_two_workers_never_claim_the_same_delivery(
        make_channel: Callable[..., Channel]) -> None:
    rows = [_queue(make_channel("inapp", name=f"c{n}")) for n in range(10) for _ in range(2)]
    pools = [Recorder(), Recorder()]
    claims: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def work(n: int) -> None:
        barrier.wait()
        try:
            for _ in range(50):
                try:
                    got = worker.dispatch(pool=pools[n])  # type: ignore[arg-type]
                except OperationalError:  # the shared in-memory test database is locked
                    time.sleep(0.01)
                    continue
                claims[n] += got
                if not got and not Delivery.objects.filter(
                        status=DeliveryStatus.QUEUED).exists():
                    return
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not set(claims[0]) & set(claims[1])
    assert sorted(claims[0] + claims[1]) == sorted(d.pk for d in rows)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_claim_whose_sender_died_is_taken_again_when_its_lease_ends(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    delivery = _queue(make_channel("webhook", {"url": receiver.url("/hook")}))
    now = timezone.now()
    dead = Recorder()
    assert worker.dispatch(now, pool=dead) == [delivery.pk]  # type: ignore[arg-type]
    delivery.refresh_from_db()
    old_claim = delivery.claim
    assert delivery.status == DeliveryStatus.SENDING and delivery.next_attempt_at
    assert worker.dispatch(now + timedelta(seconds=30), pool=senders) == []
    assert _sent(senders, delivery.next_attempt_at + timedelta(seconds=1)) == [delivery.pk]
    assert worker.send(delivery.pk, old_claim) == "lost"  # the dead sender's late outcome
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(receiver.at("/hook")) == 1


def test_a_disabled_channel_fails_its_deliveries_but_a_test_still_goes(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    channel = make_channel("webhook", {"url": receiver.url("/hook")}, enabled=False)
    normal, test = _queue(channel), _queue(channel, is_test=True)
    assert len(_sent(senders)) == 2
    normal.refresh_from_db()
    test.refresh_from_db()
    assert (normal.status, normal.last_error) == (DeliveryStatus.FAILED,
                                                  "the channel is disabled")
    assert test.status == DeliveryStatus.SENT
    assert receiver.at("/hook")[0].json()["test"] is True


def test_a_test_message_shows_its_first_answer_without_retrying(
        receiver: Receiver, senders: Senders, make_channel: Callable[..., Channel]) -> None:
    receiver.answer("/hook", Reply(500, b"down"))
    test = _queue(make_channel("webhook", {"url": receiver.url("/hook")}), is_test=True)
    _sent(senders)
    test.refresh_from_db()
    assert (test.status, test.attempts, test.response_code) == (DeliveryStatus.FAILED, 1, 500)


def test_the_in_app_channel_notifies_members_once_per_key(
        units: dict[str, Unit], senders: Senders, make_channel: Callable[..., Channel],
        make_user: Callable[..., User]) -> None:
    analyst = make_user("analyst", Role.ANALYST, units["district"])
    handler = make_user("handler", Role.HANDLER, units["district"])
    make_user("viewer", Role.VIEWER, units["district"])  # not a chosen role
    make_user("street", Role.ANALYST, units["street_a"])  # not a member of the unit
    gone = make_user("gone", Role.ANALYST, units["district"])
    gone.is_active = False
    gone.save()
    make_channel("inapp", {"roles": ["analyst", "handler"]})
    message = Message(title="负面信息", body="正文", url="/alerts/1/", key="alert:1:1")
    assert notify(units["district"], message, users=[analyst]) == 2
    _sent(senders)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "analyst", "handler"]
    assert Notification.objects.get(user=handler).unit == units["district"]


@contextmanager
def _running_worker(seconds: float = 0.5) -> Iterator[threading.Thread]:
    """worker.run() called back to back, as the scheduler's job would be (with shorter runs:
    the test's end waits for the last one)."""
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.is_set():
                worker.run(seconds=seconds)
        finally:
            connection.close()

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(seconds + 5)


def test_a_committed_message_reaches_the_receiver_within_milliseconds(
        units: dict[str, Unit], receiver: Receiver, senders: Senders,
        make_channel: Callable[..., Channel]) -> None:
    make_channel("webhook", {"url": receiver.url("/hook")})
    latencies = []
    with _running_worker():
        time.sleep(0.2)
        for n in range(5):
            started = time.monotonic()
            with transaction.atomic():
                notify(units["district"], Message(title=f"第{n}条", body="正文", key=str(n)))
            [*_, last] = receiver.wait_for("/hook", n + 1, timeout=3)
            latencies.append(last.at - started)
            time.sleep(0.05)
    assert len(receiver.at("/hook")) == 5
    assert max(latencies) < 0.5, latencies


def test_one_run_delivers_what_is_queued_until_its_time_is_up_or_the_scheduler_stops(
        units: dict[str, Unit], receiver: Receiver, senders: Senders,
        make_channel: Callable[..., Channel]) -> None:
    """Between two runs a queued message waited for the next scheduler tick; a run therefore
    goes on for half a minute instead of 0.8 s — and ends, releasing its claim, when the
    scheduler stops."""
    make_channel("webhook", {"url": receiver.url("/hook")})
    job = Job("deliver-test", timedelta(seconds=1), worker.run, timedelta(minutes=1))
    scheduler = Scheduler(jobs=[job], poll_seconds=60)  # one tick: the first, at start
    scheduler.start()
    try:
        time.sleep(1.5)  # past the end of a 0.8-s run
        queued = time.monotonic()
        with transaction.atomic():
            notify(units["district"], Message(title="迟到的预警", body="正文", key="late"))
        [last] = receiver.wait_for("/hook", 1, timeout=3)
        assert last.at - queued < 0.5
        assert ScheduledJob.objects.get(name=job.name).running_since is not None
    finally:
        stopped = time.monotonic()
        scheduler.stop(wait_seconds=worker.POLL + 2)
    assert time.monotonic() - stopped < worker.POLL + 1
    assert ScheduledJob.objects.get(name=job.name).running_since is None


@pytest.mark.django_db
def test_housekeeping_forgets_old_finished_deliveries_and_read_notifications(
        units: dict[str, Unit], make_channel: Callable[..., Channel],
        make_user: Callable[..., User]) -> None:
    channel = make_channel("webhook", {"url": "http://127.0.0.1:9/"})
    old = timezone.now() - timedelta(days=91)
    for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.QUEUED):
        Delivery.objects.filter(pk=_queue(channel, status=status).pk).update(created_at=old)
    fresh = _queue(channel, status=DeliveryStatus.SENT)
    user = make_user("analyst", Role.ANALYST, units["district"])
    read = Notification.objects.create(user=user, title="旧", read_at=old)
    unread = Notification.objects.create(user=user, title="未读")
    Notification.objects.filter(pk__in=[read.pk, unread.pk]).update(created_at=old)
    worker.housekeeping()
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["queued", "sent"]
    assert Delivery.objects.filter(pk=fresh.pk).exists()
    assert list(Notification.objects.all()) == [unread]

"""The scheduler: due times kept in the database, claims, missed runs, failing jobs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.utils import timezone

from yuqing.server import jobs, scheduler
from yuqing.server.models import ScheduledJob
from yuqing.server.scheduler import Job, Scheduler, claim, execute, sync

DAY = timedelta(days=1)


def _job(func: Callable[[], object] = lambda: None, every: timedelta = DAY,
         name: str = "test-job") -> Job:
    return Job(name, every, func)


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_registry_holds_clearsessions_and_rejects_duplicates() -> None:
    names = {job.name: job for job in scheduler.registered()}
    assert names["clearsessions"].every == DAY
    with pytest.raises(ValueError, match="already registered"):
        scheduler.register("clearsessions", DAY, jobs.clear_sessions)
    with pytest.raises(ValueError, match="positive"):
        scheduler.register("never", timedelta(0), jobs.clear_sessions)


@pytest.mark.django_db
def test_new_job_is_due_at_once_then_after_its_interval() -> None:
    now = timezone.now()
    job = _job()
    sync([job], now)
    assert claim(job, now)
    execute(job, now)
    assert not claim(job, now + DAY - timedelta(seconds=1))
    assert claim(job, now + DAY)


@pytest.mark.django_db
def test_restart_does_not_rerun_a_job_that_just_ran() -> None:
    now = timezone.now()
    job = _job()
    sync([job], now)
    assert claim(job, now)
    execute(job, now)
    sync([job], now + timedelta(minutes=5))  # a new process starting up
    assert not claim(job, now + timedelta(minutes=5))


@pytest.mark.django_db
def test_shortened_interval_pulls_the_due_time_in() -> None:
    now = timezone.now()
    sync([_job()], now)
    ScheduledJob.objects.update(next_due=now + 30 * DAY)
    sync([_job(every=timedelta(hours=1))], now)
    assert ScheduledJob.objects.get().next_due == now + timedelta(hours=1)


@pytest.mark.django_db
def test_a_running_job_cannot_be_claimed_again_until_its_claim_expires() -> None:
    now = timezone.now()
    job = _job(every=timedelta(minutes=1))
    sync([job], now)
    assert claim(job, now)
    later = now + timedelta(minutes=10)  # due again, but the first run has not finished
    assert not claim(job, later)
    assert claim(job, now + job.timeout + timedelta(seconds=1))  # that run's process died


@pytest.mark.django_db(transaction=True)
def test_missed_runs_collapse_into_one() -> None:
    runs: list[int] = []
    job = _job(lambda: runs.append(1), every=timedelta(hours=1))
    start = timezone.now()
    sync([job], start)
    back = start + timedelta(hours=10, minutes=30)  # ten runs missed while nothing ran
    started = Scheduler([job]).tick(back)
    for thread in started:
        thread.join(5)
    assert runs == [1]
    assert not Scheduler([job]).tick(back + timedelta(minutes=59))
    assert ScheduledJob.objects.get().next_due == back + timedelta(hours=1)


@pytest.mark.django_db
def test_a_late_finish_does_not_release_a_newer_claim() -> None:
    now = timezone.now()
    job = _job(every=timedelta(minutes=1))
    sync([job], now)
    assert claim(job, now)
    reclaimed = now + job.timeout + timedelta(seconds=1)
    assert claim(job, reclaimed)
    execute(job, now)  # the first, presumed dead, run finishes after all
    assert ScheduledJob.objects.get().running_since == reclaimed


@pytest.mark.django_db
def test_execute_records_the_error_and_releases_the_claim() -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    now = timezone.now()
    job = _job(boom)
    sync([job], now)
    assert claim(job, now)
    execute(job, now)
    state = ScheduledJob.objects.get()
    assert "RuntimeError: boom" in state.last_error
    assert state.running_since is None
    assert state.last_started_at == now
    assert state.last_duration is not None


@pytest.mark.django_db(transaction=True)
def test_failing_job_does_not_stop_the_scheduler() -> None:
    calls = {"bad": 0, "good": 0}

    def bad() -> None:
        calls["bad"] += 1
        raise ValueError("always fails")

    def good() -> None:
        calls["good"] += 1

    every = timedelta(milliseconds=50)
    sched = Scheduler([_job(bad, every, "bad"), _job(good, every, "good")], poll_seconds=0.01)
    sched.start()
    try:
        _wait_for(lambda: calls["bad"] >= 3 and calls["good"] >= 3)
    finally:
        sched.stop()
    assert "always fails" in ScheduledJob.objects.get(name="bad").last_error
    assert ScheduledJob.objects.get(name="good").last_error == ""


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_never_run_the_same_job_at_once() -> None:
    release = threading.Event()
    runs: list[int] = []

    def slow() -> None:
        runs.append(1)
        release.wait(5)

    job = _job(slow, every=timedelta(seconds=1))
    now = timezone.now()
    sync([job], now)
    first, second = Scheduler([job]), Scheduler([job])  # as if in two processes
    started = first.tick(now)
    assert len(started) == 1
    assert second.tick(now + timedelta(minutes=5)) == []
    release.set()
    started[0].join(5)
    assert runs == [1]
    assert len(second.tick(now + timedelta(minutes=5))) == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_have_exactly_one_winner() -> None:
    job = _job()
    now = timezone.now()
    sync([job], now)
    barrier = threading.Barrier(6)
    results: list[bool] = []

    def contend() -> None:
        barrier.wait()
        try:
            results.append(claim(job, now))
        except DatabaseError:  # SQLite's shared in-memory test database: "table is locked"
            results.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=contend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == [False] * 5 + [True]


@pytest.mark.django_db
def test_clearsessions_job_deletes_expired_sessions() -> None:
    Session.objects.create(session_key="old", session_data="",
                           expire_date=timezone.now() - DAY)
    Session.objects.create(session_key="new", session_data="",
                           expire_date=timezone.now() + DAY)
    jobs.clear_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]

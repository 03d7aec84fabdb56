"""Scheduling: claims in the database, no overlapping runs, a missed run once, jitter — and
a collector that carries on past every kind of bad server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer, make_source
from yuqing.audit.models import AuditEntry
from yuqing.collect.models import (
    FetchRun,
    RunOutcome,
    Source,
    SourceState,
    UrlKind,
    UrlState,
)
from yuqing.collect.sources import dispatch
from yuqing.collect.sources.workers import Workers
from yuqing.orgs.models import Unit
from yuqing.server.scheduler import registered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    siteserver.fast_fetching(settings)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start(slow_seconds=5.0, huge_bytes=2 * 1024 * 1024)
    yield server
    server.stop()


def _run_here(ran: list[int]) -> Any:
    def submit(source_id: int, claimed_at: datetime) -> None:
        ran.append(source_id)
        dispatch.collect(source_id, claimed_at)

    return submit


def _state(source: Source) -> SourceState:
    return SourceState.objects.get(pk=source.pk)


def test_jobs_are_registered() -> None:
    jobs = {job.name: job for job in registered()}
    assert jobs["collect-sources"].every == timedelta(seconds=30)
    assert jobs["collect-housekeeping"].func is dispatch.housekeeping


def test_a_new_source_is_due_at_once_then_on_its_schedule(units: dict[str, Unit]) -> None:
    source = make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"],
                         schedule="2h")
    now = timezone.now()
    claimed: list[int] = []
    assert dispatch.dispatch(now, submit=lambda pk, at: claimed.append(pk)) == [source.pk]
    state = _state(source)
    assert state.running_since == now and state.next_due is not None
    # Two hours on, plus at most a tenth of the interval (capped at ten minutes) of jitter.
    assert now + timedelta(hours=2) <= state.next_due <= now + timedelta(hours=2, minutes=10)
    # Running (its heartbeat fresh): not claimed again, even when due.
    SourceState.objects.filter(pk=source.pk).update(next_due=now)
    later = now + timedelta(minutes=1)
    assert dispatch.dispatch(later, submit=lambda pk, at: claimed.append(pk)) == []
    assert claimed == [source.pk]


def test_only_one_of_two_concurrent_claims_wins(units: dict[str, Unit]) -> None:
    source = make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"])
    SourceState.objects.create(source=source)
    now = timezone.now()
    assert dispatch.claim(source, now)
    assert not dispatch.claim(source, now)
    assert not dispatch.claim(source, now, manual=True)


def test_a_missed_run_runs_once(units: dict[str, Unit]) -> None:
    source = make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"],
                         schedule="15m")
    long_ago = timezone.now() - timedelta(days=3)
    SourceState.objects.create(source=source, next_due=long_ago)
    now = timezone.now()
    ran: list[int] = []
    dispatch.dispatch(now, submit=_run_here(ran))
    dispatch.dispatch(now + timedelta(minutes=1), submit=_run_here(ran))
    assert ran == [source.pk]  # 288 missed runs, one run
    due = _state(source).next_due
    assert due is not None and due >= now + timedelta(minutes=15)


def test_a_dead_runs_claim_is_taken_over_after_its_heartbeat_stops(
        units: dict[str, Unit]) -> None:
    source = make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"])
    now = timezone.now()
    SourceState.objects.create(source=source, running_since=now - timedelta(hours=1),
                               heartbeat_at=now - dispatch.STALE - timedelta(seconds=1))
    assert dispatch.claim(source, now)
    # The old run, should it still be alive, can no longer record anything.
    assert dispatch.collect(source.pk, now - timedelta(hours=1)) == "lost"


def test_disabled_and_unscheduled_sources_are_left_alone(units: dict[str, Unit]) -> None:
    make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"], enabled=False)
    make_source("push", unit=units["district"], name="pushed")
    make_source("import", unit=units["district"], name="imported")
    assert dispatch.dispatch(timezone.now(), submit=lambda pk, at: None) == []


def test_the_dispatcher_claims_no_more_than_it_can_run(units: dict[str, Unit]) -> None:
    for index in range(3):
        make_source("rss", f"http://127.0.0.1:9/{index}", unit=units["district"],
                    name=f"feed {index}")
    assert len(dispatch.dispatch(timezone.now(), submit=lambda pk, at: None, limit=2)) == 2


def test_bad_servers_are_each_recorded_and_the_others_carry_on(
        site: SiteServer, units: dict[str, Unit]) -> None:
    unit = units["district"]
    make = {
        "good": make_source("rss", site.url("/feeds/rss.xml"), unit=unit, name="good"),
        "slow": make_source("rss", site.url("/bad/slow"), unit=unit, name="slow"),
        "500": make_source("web", site.url("/bad/500"), unit=unit, name="500"),
        "loop": make_source("sitemap", site.url("/bad/loop"), unit=unit, name="loop"),
        "huge": make_source("web", site.url("/bad/huge"), unit=unit, name="huge"),
        "malformed": make_source("rss", site.url("/feeds/malformed.xml"), unit=unit,
                                 name="malformed"),
        "charset": make_source("web", site.url("/news/list_charset.html"), unit=unit,
                               name="charset", config={"link_selector": "a"}),
        "no article": make_source("web", site.url("/news/about-missing.html"), unit=unit,
                                  name="no list"),
        "refused": make_source("api", "http://127.0.0.1:9/api", unit=unit, name="refused",
                               config={"fields": {"title": "t"}}),
    }
    ran: list[int] = []
    dispatch.dispatch(timezone.now(), submit=_run_here(ran))
    assert sorted(ran) == sorted(s.pk for s in make.values())
    runs = {name: FetchRun.objects.get(source=s) for name, s in make.items()}
    outcomes = {name: run.outcome for name, run in runs.items()}
    assert outcomes == {
        "good": RunOutcome.OK, "slow": RunOutcome.FAILED, "500": RunOutcome.FAILED,
        "loop": RunOutcome.FAILED, "huge": RunOutcome.FAILED, "malformed": RunOutcome.FAILED,
        "charset": RunOutcome.OK, "no article": RunOutcome.FAILED, "refused": RunOutcome.FAILED}
    errors = {name: run.error.replace(site.base, "") for name, run in runs.items()}
    assert errors["slow"] == "/bad/slow did not answer within 1 s (after 2 attempts)"
    assert errors["500"] == "HTTP 500 Internal Server Error from /bad/500 (after 2 attempts)"
    assert errors["loop"] == "redirect loop: /bad/loop → /bad/loop2 → /bad/loop"
    assert errors["huge"] == "/bad/huge sent more than 256 KB; stopped reading"
    assert errors["malformed"].startswith("the feed is not well-formed XML (")
    assert errors["no article"] == "HTTP 404 Not Found from /news/about-missing.html"
    assert errors["refused"] == ("robots.txt could not be fetched (http://127.0.0.1:9/robots.txt: "
                                 "could not connect (after 2 attempts))")
    assert runs["good"].inserted == 3
    # GBK bytes labelled UTF-8: read correctly, and the lie noted.
    assert runs["charset"].inserted == 1
    assert runs["charset"].problems == [{
        "url": site.url("/bad/wrong-charset"), "level": "warning",
        "message": "the declared charset (utf-8) does not match the content; read as gb18030"}]
    for name in ("slow", "500", "huge"):
        state = SourceState.objects.get(pk=make[name].pk)
        assert (state.last_outcome, state.failures, state.running_since) == (
            RunOutcome.FAILED, 1, None)
        assert state.last_error == runs[name].error


def test_run_records_are_not_audited_but_stored_items_are(site: SiteServer,
                                                          units: dict[str, Unit]) -> None:
    source = make_source("rss", site.url("/feeds/rss.xml"), unit=units["district"])
    before = AuditEntry.objects.count()
    dispatch.run_now(source)
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.model) for e in entries] == [("collect", "collect.Source")]
    assert entries[0].details["inserted"] == 3


def test_housekeeping_forgets_what_is_old(units: dict[str, Unit]) -> None:
    source = make_source("web", "https://example.org/", unit=units["district"])
    now = timezone.now()
    old = now - timedelta(days=400)
    for key, seen in (("a" * 40, old), ("b" * 40, now)):
        UrlState.objects.create(source=source, key=key, url="https://example.org/x",
                                kind=UrlKind.ARTICLE, first_seen=seen, last_seen=seen)
    FetchRun.objects.create(source=source, started_at=old, finished_at=old, outcome="ok")
    before = AuditEntry.objects.count()
    dispatch.housekeeping(now)
    assert list(UrlState.objects.values_list("key", flat=True)) == ["b" * 40]
    assert not FetchRun.objects.exists()
    assert AuditEntry.objects.count() == before


def test_workers_run_jobs_in_their_own_threads() -> None:
    done = threading.Event()
    seen: list[tuple[int, str]] = []

    def job(source_id: int, claimed_at: datetime) -> None:
        seen.append((source_id, threading.current_thread().name))
        done.set()

    workers = Workers(2, job)
    assert workers.free() == 2
    workers.submit(7, timezone.now())
    assert done.wait(5)
    assert seen[0][0] == 7 and seen[0][1].startswith("collect-")


def test_with_a_broker_runs_in_flight_anywhere_count_against_the_limit(
        units: dict[str, Unit], settings: Any) -> None:
    from yuqing.collect import tasks

    settings.YUQING_CELERY_BROKER = "redis://127.0.0.1:9/0"
    settings.YUQING_COLLECT_WORKERS = 3
    now = timezone.now()
    for n, heartbeat in enumerate([now, now - timedelta(minutes=1),
                                   now - dispatch.STALE - timedelta(seconds=1)]):
        source = make_source("rss", "http://127.0.0.1:9/feed", unit=units["district"],
                             name=f"running {n}")
        SourceState.objects.create(source=source, running_since=heartbeat,
                                   heartbeat_at=heartbeat)
    # Two runs alive (on any worker); the third's heartbeat is stale: its worker died.
    assert dispatch.in_flight(now) == 2
    assert dispatch._submitter(now) == (tasks.send, 1)
    settings.YUQING_COLLECT_WORKERS = 2
    assert dispatch._submitter(now)[1] == 0

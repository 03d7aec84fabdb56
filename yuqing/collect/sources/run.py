"""One run of one source: the :class:`~yuqing.collect.connectors.base.Run` connectors see.

Everything a connector hands over is buffered and written in a fixed order at each
checkpoint: items (through the ingest pipeline, like ``yuqing import``), then the memory of
collected article URLs, then the cursor; the validators of the pages read (ETag,
Last-Modified) only when the run has finished its work. A crash anywhere repeats work on the
next run but never loses an item: a URL is only remembered, a page only answered "not
modified", and a file offset only moved, once the items behind them are stored.

A preview (test fetch) runs the same code with nothing stored: every link counts as new, no
conditional requests are made, records only pass the checks of the pipeline.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import F, Q
from django.utils import timezone

from yuqing.collect.fetch.client import Fetcher, Page
from yuqing.collect.importing.tally import Tally
from yuqing.collect.ingest import pipeline
from yuqing.collect.ingest.keys import normalise_url
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Source, SourceState, UrlKind, UrlState, UrlStatus

T = TypeVar("T")

#: Records per pipeline batch.
BATCH = 500
#: Failed fetches after which an article is given up.
MAX_ATTEMPTS = 3
#: Problems kept per run (all are counted).
MAX_PROBLEMS = 50
#: Seconds between heartbeats while a run makes progress.
HEARTBEAT_SECONDS = 15.0
#: Worker threads per run, whatever a host policy allows: they only need to cover network
#: latency, and past a few the GIL makes extraction slower, not faster (bench/collect.py).
MAX_THREADS = 8
_KEYS_PER_QUERY = 500


class ClaimLost(Exception):
    """Another process took the source over (this run's heartbeat had stopped)."""


def url_key(url: str) -> str:
    return hashlib.sha1(normalise_url(url).encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).hexdigest()


@dataclass
class Report:
    """What a run did, for its :class:`~yuqing.collect.models.FetchRun`."""

    not_modified: int = 0
    skipped: int = 0
    errors: int = 0
    warnings: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    #: Records of a preview, after the pipeline's checks: (record, why rejected or "").
    previewed: list[tuple[ItemRecord, str]] = field(default_factory=list)


class CollectionRun:
    def __init__(self, source: Source, fetcher: Fetcher, *, now: datetime,
                 cursor: dict[str, Any], budget: int, preview: bool = False,
                 claim: datetime | None = None) -> None:
        self.source = source
        self.fetcher = fetcher
        self.now = now
        self.cursor = cursor
        self.preview = preview
        self.report = Report()
        self._budget = budget
        self._claim = claim
        self._pending: list[ItemRecord] = []
        self._marks: dict[str, tuple[str, UrlStatus]] = {}
        self._validators: dict[str, tuple[str, str, str]] = {}
        self._beat = time.monotonic()

    # --- what connectors use -----------------------------------------------------------------

    @property
    def budget(self) -> int:
        return self._budget

    def page(self, url: str, *, conditional: bool = True,
             headers: Mapping[str, str] | None = None) -> Page | None:
        conditional = conditional and not self.preview
        key = url_key(url)
        etag = last_modified = ""
        if conditional:
            known = (UrlState.objects.filter(source=self.source, key=key)
                     .values_list("etag", "last_modified").first())
            etag, last_modified = known or ("", "")
        page = self.fetcher.get(url, etag=etag, last_modified=last_modified, headers=headers)
        self._tick()
        if page.not_modified:
            self.report.not_modified += 1
            return None
        if conditional and (page.etag or page.last_modified):
            self._validators[key] = (url, page.etag[:500], page.last_modified[:100])
        return page

    def unseen(self, urls: Sequence[str]) -> list[str]:
        by_key = {url_key(url): url for url in dict.fromkeys(urls)}
        if self.preview or not by_key:
            return list(by_key.values())
        done = Q(status__in=[UrlStatus.OK, UrlStatus.EMPTY]) | Q(attempts__gte=MAX_ATTEMPTS)
        keys = list(by_key)
        known: set[str] = set()
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            rows = UrlState.objects.filter(source=self.source, key__in=chunk)
            known.update(rows.filter(done).values_list("key", flat=True))
            # Still linked: keep the memory from being pruned.
            rows.update(last_seen=self.now)
        self.report.skipped += len(known)
        return [url for key, url in by_key.items() if key not in known]

    def fetch_each(self, urls: Sequence[str],
                   work: Callable[[str, Page], T]) -> Iterator[tuple[str, T | Exception]]:
        if not urls:
            return
        self._budget -= len(urls)
        threads = min(MAX_THREADS, max(self.fetcher.rule(url).concurrency for url in urls))

        def task(url: str) -> T:
            return work(url, self.fetcher.get(url))

        pending = iter(urls)
        with ThreadPoolExecutor(max(1, threads), thread_name_prefix="fetch") as pool:
            running: dict[Future[T], str] = {}
            for url in pending:
                running[pool.submit(task, url)] = url
                if len(running) >= 2 * threads:
                    break
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    url = running.pop(future)
                    error = future.exception()
                    yield url, (error if isinstance(error, Exception) else future.result())
                    following = next(pending, None)
                    if following is not None:
                        running[pool.submit(task, following)] = following
                self._tick()

    def emit(self, record: ItemRecord) -> None:
        self._pending.append(record)
        if len(self._pending) >= BATCH:
            self._flush()

    def mark(self, url: str, status: UrlStatus) -> None:
        if not self.preview:
            self._marks[url_key(url)] = (url, status)

    def problem(self, url: str, message: str, *, warning: bool = False) -> None:
        if warning:
            self.report.warnings += 1
        else:
            self.report.errors += 1
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append({"url": url[:500], "message": message[:1000],
                                         "level": "warning" if warning else "error"})

    def checkpoint(self) -> None:
        self._flush()
        if self.preview:
            return
        self._save_marks()
        self._save_state(cursor=True)

    def finish(self, *, completed: bool) -> None:
        """The last checkpoint. Page validators are saved only when the connector got to the
        end: a list page answered "not modified" next time must have had all its links
        handled, or the links not yet fetched would never be seen again."""
        self.checkpoint()
        if completed and not self.preview:
            self._save_validators()

    # --- the writes ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """A heartbeat now and then, with the items gathered so far."""
        if not self.preview and time.monotonic() - self._beat >= HEARTBEAT_SECONDS:
            self.checkpoint()

    def _flush(self) -> None:
        records, self._pending = self._pending, []
        if not records:
            return
        # Each write gets its own time (the default): the item counters tell new items by it.
        batch = pipeline.Batch(source=self.source, records=records)
        if self.preview:
            batch = pipeline.run(batch, pipeline.PREPARE)
            reasons = {id(r.record): r.reason for r in batch.rejected}
            self.report.previewed += [(rec, reasons.get(id(rec), "")) for rec in records]
            return
        batch = pipeline.run(batch, [*pipeline.PREPARE, *pipeline.WRITE])
        self.report.tally.written(batch, len(records))
        for rejection in batch.rejected:
            rec = rejection.record
            self.problem(rec.origin or rec.url, f"not stored: {rejection.reason}")

    def _save_marks(self) -> None:
        marks, self._marks = self._marks, {}
        if not marks:
            return
        UrlState.objects.bulk_create(
            [UrlState(source=self.source, key=key, url=url[:2000], kind=UrlKind.ARTICLE,
                      status=status, first_seen=self.now, last_seen=self.now)
             for key, (url, status) in marks.items()], ignore_conflicts=True)
        mine = UrlState.objects.filter(source=self.source)
        for status in (UrlStatus.OK, UrlStatus.EMPTY):
            keys = [key for key, (_url, s) in marks.items() if s == status]
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                mine.filter(key__in=keys[start:start + _KEYS_PER_QUERY]).update(
                    status=status, last_seen=self.now)
        failed = [key for key, (_url, s) in marks.items() if s == UrlStatus.FAILED]
        for start in range(0, len(failed), _KEYS_PER_QUERY):
            mine.filter(key__in=failed[start:start + _KEYS_PER_QUERY]).update(
                status=UrlStatus.FAILED, attempts=F("attempts") + 1, last_seen=self.now)

    def _save_validators(self) -> None:
        validators, self._validators = self._validators, {}
        if not validators:
            return
        UrlState.objects.bulk_create(
            [UrlState(source=self.source, key=key, url=url[:2000], kind=UrlKind.PAGE,
                      first_seen=self.now, last_seen=self.now)
             for key, (url, _etag, _modified) in validators.items()], ignore_conflicts=True)
        for key, (_url, etag, modified) in validators.items():
            UrlState.objects.filter(source=self.source, key=key).update(
                etag=etag, last_modified=modified, last_seen=self.now)

    def _save_state(self, *, cursor: bool) -> None:
        """Heartbeat (and cursor); a claim that is no longer ours stops the run."""
        self._beat = time.monotonic()
        if self._claim is None:
            return
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if cursor:
            fields["cursor"] = self.cursor
        held = SourceState.objects.filter(pk=self.source.pk, running_since=self._claim)
        if held.update(**fields) != 1:
            raise ClaimLost(f"source #{self.source.pk} was taken over by another run")

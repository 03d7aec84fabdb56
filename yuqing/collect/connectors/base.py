"""What a connector is, and what it may use while it runs.

A connector has a pydantic model for its settings (``Source.config``; unknown keys are an
error, so a typo is reported instead of silently ignored) and a ``collect`` method that works
through a :class:`Run`. Failing the whole run is done by raising :class:`SourceFailed` (or
letting a :class:`~yuqing.collect.fetch.errors.FetchError` of the source's main URL through);
a bad article or row is reported with ``run.problem`` and the run carries on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from django.utils.functional import Promise
from pydantic import BaseModel, ConfigDict, ValidationError

from yuqing.collect.fetch.client import Fetcher, Page
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Source, UrlStatus

T = TypeVar("T")


class SourceFailed(Exception):
    """The run cannot go on; the message is shown as the source's error."""


class ConfigError(ValueError):
    """The source's settings cannot be used; one line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class Settings(BaseModel):
    """Base of every connector's settings: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


S = TypeVar("S", bound=Settings)


@dataclass(frozen=True)
class Link:
    """An article link found on a list page, feed or sitemap, with what was said about it."""

    url: str
    title: str = ""
    #: A publication time shown next to the link, used when the article page has none.
    published_at: datetime | None = None


class Run(Protocol):
    """One collection run of one source, as a connector sees it."""

    source: Source
    #: When the run started: "3小时前" on a page is counted back from here.
    now: datetime
    fetcher: Fetcher
    #: Kept between runs (folder offsets, paging state); saved at :meth:`checkpoint`.
    cursor: dict[str, Any]
    #: A test fetch: nothing is stored, every link counts as new, few pages are fetched.
    preview: bool

    @property
    def budget(self) -> int:
        """Articles (or rows) this run may still fetch."""

    def page(self, url: str, *, conditional: bool = True,
             headers: Mapping[str, str] | None = None) -> Page | None:
        """A feed, list page or sitemap, conditionally (unless told not to): ``None`` when
        unchanged since the last run. Raises :class:`FetchError`."""

    def unseen(self, urls: Sequence[str]) -> list[str]:
        """``urls`` (in order, without repeats) that no earlier run has fetched for good."""

    def fetch_each(self, urls: Sequence[str],
                   work: Callable[[str, Page], T]) -> Iterator[tuple[str, T | Exception]]:
        """Fetch ``urls`` concurrently (as the host allows) and apply ``work`` to each page
        in a worker thread; yields each URL with the result or the exception, as they
        finish. Counts against the budget."""

    def emit(self, record: ItemRecord) -> None:
        """Hand over one item; written through the ingest pipeline in batches."""

    def mark(self, url: str, status: UrlStatus) -> None:
        """Remember an article URL as collected, empty, or failed once more."""

    def problem(self, url: str, message: str, *, warning: bool = False) -> None:
        """Record a page-level error (the run is then "partial") or a warning."""

    def checkpoint(self) -> None:
        """Write pending items, then save the cursor (so it never runs ahead of the items)."""


class Connector(ABC, Generic[S]):
    kind: ClassVar[str]
    #: Settings model; ``Source.config`` is validated against it.
    model: type[S]
    #: What the settings mean, shown beside the settings field.
    help: ClassVar[str | Promise]

    def settings(self, source: Source) -> S:
        """The validated settings of ``source``, or :class:`ConfigError`."""
        try:
            settings = self.model.model_validate(source.config or {})
        except ValidationError as exc:
            raise ConfigError([_describe(error) for error in exc.errors()]) from None
        self.check(source, settings)
        return settings

    def check(self, source: Source, settings: S) -> None:
        """Checks that need the source itself (a URL it must have); raise ConfigError."""

    @abstractmethod
    def collect(self, run: Run, settings: S) -> None:
        """Collect what is new at the source."""


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def require_url(source: Source) -> None:
    if not source.url:
        raise ConfigError(["URL: this kind of source needs a URL"])

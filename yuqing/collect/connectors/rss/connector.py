"""The feed connector: RSS 0.9x/1.0/2.0 and Atom, in any encoding feedparser can read.

The feed is fetched conditionally, so an unchanged feed costs one 304. Each entry becomes an
item keyed by its link; ``full_text: true`` fetches each new entry's page and reads the article
there (for feeds that carry only a summary), with the article settings of the web connector.

Times: a feed's date without a zone ("2026-11-21 08:00:00", common on Chinese sites) is
Beijing time (the configured zone), which feedparser would take for UTC; zoned dates (RFC 822,
ISO 8601) are exact. A feed that is not well-formed but still yields entries is collected and
the damage reported; one that yields nothing fails the run.
"""

from __future__ import annotations

import io
from calendar import timegm
from datetime import UTC, datetime
from typing import Any

import feedparser
from django.utils.translation import gettext_lazy as _

from yuqing.collect.connectors.article import ArticleSettings, collect_articles
from yuqing.collect.connectors.base import Connector, Link, Run, SourceFailed, require_url
from yuqing.collect.connectors.dates import parse_when
from yuqing.collect.connectors.html import fragment_text
from yuqing.collect.fetch.client import Page
from yuqing.collect.importing.timeparse import TimeParseError
from yuqing.collect.ingest import privacy
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import Source, SourceKind

_HARMLESS = (feedparser.CharacterEncodingOverride,)


class RssSettings(ArticleSettings):
    full_text: bool = False


def _when(entry: Any, now: datetime) -> datetime | None:
    for name in ("published", "updated", "created"):
        raw = entry.get(name)
        if raw:
            try:
                return parse_when(raw, now)
            except TimeParseError:
                pass
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            return datetime.fromtimestamp(timegm(parsed), UTC)
    return None


def _link(entry: Any) -> str:
    link = str(entry.get("link") or "").strip()
    guid = str(entry.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    return link


def _text(entry: Any) -> str:
    contents = entry.get("content") or []
    for content in contents:
        if value := str(content.get("value") or "").strip():
            return fragment_text(value)
    return fragment_text(str(entry.get("summary") or ""))


def read_feed(page: Page) -> Any:
    """The parsed feed; raises :class:`SourceFailed` when nothing usable is in it."""
    content_type = page.content_type + (f"; charset={page.charset}" if page.charset else "")
    # A stream, not bytes: feedparser would open bytes naming a local path as a file.
    parsed = feedparser.parse(io.BytesIO(page.content),
                              response_headers={"content-type": content_type or "text/xml"},
                              sanitize_html=False, resolve_relative_uris=False)
    problem = parsed.get("bozo_exception")
    if not parsed.entries:
        if not parsed.get("version"):
            raise SourceFailed("this is not an RSS or Atom feed")
        if problem is not None and not isinstance(problem, _HARMLESS):
            raise SourceFailed(f"the feed is not well-formed XML ({problem})")
    return parsed


class RssConnector(Connector[RssSettings]):
    kind = SourceKind.RSS
    model = RssSettings
    help = _("The URL is the feed's. Optional: full_text: true to fetch each entry's page "
             "for the whole article (with the web settings title_selector, body_selector, "
             "time_selector, min_chars).")

    def check(self, source: Source, settings: RssSettings) -> None:
        require_url(source)

    def collect(self, run: Run, settings: RssSettings) -> None:
        page = run.page(run.source.url)
        if page is None:
            return
        parsed = read_feed(page)
        problem = parsed.get("bozo_exception")
        if problem is not None:
            harmless = isinstance(problem, _HARMLESS)
            run.problem(page.url, f"the feed is not well-formed ({problem}); "
                        f"{len(parsed.entries)} entries read anyway", warning=harmless)
        if settings.full_text:
            links = [Link(url, fragment_text(str(e.get("title") or "")), _when(e, run.now))
                     for e in parsed.entries if (url := _link(e))]
            collect_articles(run, links, settings)
            return
        for index, entry in enumerate(parsed.entries):
            run.emit(ItemRecord(
                platform=run.source.platform, url=_link(entry),
                title=fragment_text(str(entry.get("title") or ""))[:500],
                text=_text(entry), published_at=_when(entry, run.now),
                author_id=str(entry.get("author") or ""),
                author_name=str(entry.get("author") or ""),
                raw=privacy.scrub({k: str(entry.get(k) or "") for k in ("id", "link",
                                                                          "published")}),
                origin=f"{page.url}#entry{index + 1}",
            ))


CONNECTOR = RssConnector()

"""The sitemap connector: article URLs from a sitemap (or index), then the web extraction.

Settings (all optional)::

    url_pattern: "/news/"    # keep only article URLs matching this
    max_age_days: 7          # entries whose <lastmod> is older are left alone
    max_sitemaps: 20         # child sitemaps of an index read per run, newest first
    title_selector / body_selector / time_selector / min_chars   # as for web pages

The starting sitemap is read on every run, child sitemaps of an index conditionally (an
unchanged one costs a 304). The URL may be the sitemap, an index, or just the site
(``https://example.gov.cn/``): then the sitemaps named in robots.txt are read, else
``/sitemap.xml``. News sitemaps give titles and
publication times for free. Entries are fetched newest first, within the run's budget.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from yuqing.collect.connectors.article import ArticleSettings, collect_articles
from yuqing.collect.connectors.base import Connector, Link, Run, SourceFailed, require_url
from yuqing.collect.connectors.sitemap.parse import Entry, SitemapError, gunzip, parse
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.models import Source, SourceKind

#: Index nesting followed (an index of indexes of sitemaps).
MAX_DEPTH = 2


class SitemapSettings(ArticleSettings):
    url_pattern: re.Pattern[str] | None = None
    max_age_days: int = Field(default=7, ge=1, le=3650)
    max_sitemaps: int = Field(default=20, ge=1, le=1000)


class SitemapConnector(Connector[SitemapSettings]):
    kind = SourceKind.SITEMAP
    model = SitemapSettings
    help = _("The URL is the sitemap, a sitemap index, or the site (sitemaps are then taken "
             "from robots.txt). Optional: url_pattern, max_age_days (7), max_sitemaps (20), "
             "and the web page settings title_selector, body_selector, time_selector, "
             "min_chars.")

    def check(self, source: Source, settings: SitemapSettings) -> None:
        require_url(source)

    def collect(self, run: Run, settings: SitemapSettings) -> None:
        cutoff = run.now - timedelta(days=settings.max_age_days)
        # After a run that stopped at its budget, read everything again for the rest.
        conditional = not run.cursor.get("more")
        entries: list[Entry] = []
        starts = self._starts(run)
        for index, start in enumerate(starts):
            try:
                entries += self._read(run, settings, start, cutoff, conditional, depth=0)
            except (FetchError, SitemapError) as exc:
                if index == len(starts) - 1 and not entries:
                    raise SourceFailed(str(exc)) from None
                run.problem(start, str(exc))
        fresh = [e for e in entries
                 if (e.modified is None or e.modified >= cutoff)
                 and (settings.url_pattern is None or settings.url_pattern.search(e.url))]
        fresh.sort(key=lambda e: e.modified or datetime.min.replace(tzinfo=run.now.tzinfo),
                   reverse=True)
        left = collect_articles(run, [Link(e.url, e.title, e.published) for e in fresh],
                                settings)
        run.cursor["more"] = left > 0

    def _starts(self, run: Run) -> list[str]:
        url = run.source.url
        if urlsplit(url).path not in ("", "/"):
            return [url]
        named = run.fetcher.robots(url).sitemaps if run.fetcher.obey_robots else []
        return named or [urljoin(url, "/sitemap.xml")]

    def _read(self, run: Run, settings: SitemapSettings, url: str, cutoff: datetime,
              conditional: bool, *, depth: int) -> list[Entry]:
        # The starting sitemap is always read: an index often keeps its date while its
        # children change, and only the children are worth a conditional request.
        page = run.page(url, conditional=conditional and depth > 0)
        if page is None:
            return []
        sitemap = parse(gunzip(page.content, run.fetcher.policy.max_bytes), run.now)
        if not sitemap.index:
            return sitemap.entries
        if depth >= MAX_DEPTH:
            run.problem(url, "sitemap indexes nested too deep; the inner ones were skipped")
            return []
        children = sorted((e for e in sitemap.entries if e.modified is None
                           or e.modified >= cutoff),
                          key=lambda e: e.modified or cutoff, reverse=True)
        entries: list[Entry] = []
        for child in children[:settings.max_sitemaps]:
            try:
                entries += self._read(run, settings, child.url, cutoff, conditional,
                                      depth=depth + 1)
            except (FetchError, SitemapError) as exc:
                run.problem(child.url, str(exc))
        return entries


CONNECTOR = SitemapConnector()

"""The web connector: list pages (and their "next" pages) in, articles out.

Settings (all optional; the source's URL is the first list page)::

    list_urls: [https://example.gov.cn/news/, …]   # more list pages
    link_selector: "ul.news-list li > a"             # else links are recognised automatically
    url_pattern: "/art/\\d{4}/"                      # keep only links matching this
    next_selector: "a.next"                          # else rel=next / "下一页"
    list_pages: 3                                    # list pages to follow per start URL
    title_selector / body_selector / time_selector   # else read automatically
    min_chars: 20                                    # shorter bodies are not articles

A list page unchanged since the last run (304) yields nothing new and is not read again; when
a run stopped at its page budget, the next one reads the lists in full to pick up the rest.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from yuqing.collect.connectors import html
from yuqing.collect.connectors.article import ArticleSettings, SelectorField, collect_articles
from yuqing.collect.connectors.base import ConfigError, Connector, Link, Run, SourceFailed
from yuqing.collect.connectors.common import HttpUrl
from yuqing.collect.connectors.web.links import discover, next_page
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.models import Source, SourceKind


class WebSettings(ArticleSettings):
    list_urls: list[HttpUrl] = []
    link_selector: SelectorField | None = None
    url_pattern: re.Pattern[str] | None = None
    next_selector: SelectorField | None = None
    list_pages: int = Field(default=1, ge=1, le=200)


class WebConnector(Connector[WebSettings]):
    kind = SourceKind.WEB
    model = WebSettings
    help = _("The URL is the first list page. Optional settings: list_urls (more list "
             "pages), link_selector, url_pattern, next_selector, list_pages, title_selector, "
             "body_selector, time_selector, min_chars. Selectors are CSS (tag, #id, .class, "
             "[attr], descendant and >) or XPath.")

    def check(self, source: Source, settings: WebSettings) -> None:
        if not source.url and not settings.list_urls:
            raise ConfigError(["URL: give the list page's URL (or list_urls)"])

    def collect(self, run: Run, settings: WebSettings) -> None:
        starts = list(dict.fromkeys([*([run.source.url] if run.source.url else []),
                                     *settings.list_urls]))
        full = bool(run.cursor.get("more"))
        links: list[Link] = []
        failures: list[str] = []
        for start in starts:
            try:
                links += self._list(run, settings, start, conditional=not full)
            except FetchError as exc:
                failures.append(str(exc))
                run.problem(start, str(exc))
        if failures and len(failures) == len(starts):
            raise SourceFailed(failures[0])
        left = collect_articles(run, links, settings)
        run.cursor["more"] = left > 0

    def _list(self, run: Run, settings: WebSettings, start: str, *,
              conditional: bool) -> list[Link]:
        """Links of one list and its next pages; a failing first page raises."""
        links: list[Link] = []
        url, read = start, 0
        visited: set[str] = set()
        while url and url not in visited and len(visited) < settings.list_pages:
            visited.add(url)
            try:
                page = run.page(url, conditional=conditional)
            except FetchError as exc:
                if url == start:
                    raise
                run.problem(url, str(exc))
                break
            if page is None:
                break
            decoded = page.decoded()
            if decoded.note:
                run.problem(url, decoded.note, warning=True)
            doc = html.parse(decoded.text)
            if doc is None:
                run.problem(url, "the list page is empty")
                break
            read += 1
            links += discover(doc, page.url, run.now, selector=settings.link_selector,
                              pattern=settings.url_pattern)
            url = next_page(doc, page.url, settings.next_selector)
        if read and not links:
            run.problem(start, "no article links found on the list page")
        return links


CONNECTOR = WebConnector()

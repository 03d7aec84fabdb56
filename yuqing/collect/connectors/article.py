"""Articles from pages: title, body and publication time, and the fetch loop around them.

The body comes from the configured selector when there is one (plain lxml, a fraction of a
millisecond) and otherwise from trafilatura's main-text extraction in its fast mode, without
its metadata pass: the title and time are found here, which is cheaper and understands
Chinese date formats (see ``bench/collect.py`` for the figures). Used by the web, sitemap and
RSS (full text) connectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from yuqing.collect.connectors import html
from yuqing.collect.connectors.base import Link, Run, Settings
from yuqing.collect.connectors.dates import find_when, parse_when
from yuqing.collect.connectors.html import lxml_html
from yuqing.collect.connectors.selectors import Selector
from yuqing.collect.fetch.client import Page
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.importing.timeparse import TimeParseError
from yuqing.collect.ingest.record import ItemRecord
from yuqing.collect.models import UrlStatus


def _selector(value: Any) -> Any:
    return Selector.compile(value) if isinstance(value, str) else value


#: A selector in the settings: a CSS (subset) or XPath string, compiled when read.
SelectorField = Annotated[Selector, BeforeValidator(_selector)]

_TIME_META = frozenset({
    "article:published_time", "og:published_time", "og:release_date", "pubdate",
    "publishdate", "publish_date", "publish-date", "publishtime", "publish_time",
    "published_time", "datepublished", "dc.date", "dc.date.issued", "dcterms.created",
    "firstpublishedtime", "date", "weibo:article:create_at",
})
_TITLE_SPLIT = re.compile(r"\s*(?:[-_|｜—–]|&#8212;)\s*")
#: Characters after the title searched for its date ("2026-11-21 08:00 来源：…").
_NEAR_TITLE = 600


class ArticleSettings(Settings):
    """How to read an article page; every selector is optional."""

    title_selector: SelectorField | None = None
    body_selector: SelectorField | None = None
    time_selector: SelectorField | None = None
    #: Shorter bodies mean the page had no article (an index, an error page).
    min_chars: int = Field(default=20, ge=1, le=10_000)


@dataclass(frozen=True)
class Article:
    title: str
    text: str
    published_at: datetime | None


def _first_text(selector: Selector, doc: lxml_html.HtmlElement) -> str:
    for element in selector.select(doc):
        text = html.text_of(element)
        if text:
            return text
    return ""


def _title(doc: lxml_html.HtmlElement, rules: ArticleSettings) -> str:
    if rules.title_selector is not None:
        return _first_text(rules.title_selector, doc)[:500]
    for meta in doc.iterfind(".//meta[@property='og:title']"):
        if content := html.squeeze(meta.get("content", "")):
            return content[:500]
    for heading in doc.iterfind(".//h1"):
        text = html.squeeze(heading.text_content())
        if 2 <= len(text) <= 200:
            return text
    titles = doc.findtext(".//title") or ""
    parts = [p for p in _TITLE_SPLIT.split(html.squeeze(titles)) if p]
    return (max(parts[:2], key=len) if parts else "")[:500]


def _meta_time(doc: lxml_html.HtmlElement, now: datetime) -> datetime | None:
    for meta in doc.iterfind(".//meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in _TIME_META and (content := meta.get("content", "").strip()):
            try:
                return parse_when(content, now)
            except TimeParseError:
                continue
    for element in doc.iterfind(".//time"):
        value = element.get("datetime") or element.text_content()
        try:
            return parse_when(value, now)
        except TimeParseError:
            continue
    return None


def _time(doc: lxml_html.HtmlElement, rules: ArticleSettings, now: datetime) -> datetime | None:
    if rules.time_selector is not None:
        for element in rules.time_selector.select(doc):
            value = element.get("datetime") or element.get("content") or html.text_of(element)
            try:
                return parse_when(value, now)
            except TimeParseError:
                if found := find_when(value, now):
                    return found
        return None
    if found := _meta_time(doc, now):
        return found
    body = doc.find("body")
    if body is None:
        return None
    # text_content() (C speed) rather than text_of(): only dates are looked for here.
    text = body.text_content()
    heading = body.find(".//h1")
    if heading is not None and (title := heading.text_content().strip()):
        text = text[max(text.find(title), 0):]
    return find_when(text[:_NEAR_TITLE], now)


def _body(doc: lxml_html.HtmlElement, rules: ArticleSettings) -> str:
    if rules.body_selector is not None:
        return "\n".join(t for t in (html.text_of(e) for e in rules.body_selector.select(doc))
                         if t)
    import trafilatura  # 0.2 s to import: only where automatic extraction is needed

    result = trafilatura.bare_extraction(
        doc, fast=True, favor_precision=True, with_metadata=False, include_comments=False,
        include_tables=False,
        include_images=False, include_links=False, include_formatting=False)
    text = getattr(result, "text", None) if result is not None else None
    return html.squeeze(text or "")


def extract(text: str, rules: ArticleSettings, now: datetime) -> Article | None:
    """The article in the page ``text``, or ``None`` when there is none."""
    doc = html.parse(text)
    if doc is None:
        return None
    title = _title(doc, rules)
    published = _time(doc, rules, now)
    body = _body(doc, rules)
    if title and body.startswith(title):  # the headline repeated as the body's first line
        body = body[len(title):].lstrip()
    if len(body) < rules.min_chars:
        return None
    return Article(title, body, published)


@dataclass(frozen=True)
class _Read:
    article: Article | None
    final_url: str
    #: A charset problem worth a warning.
    note: str


def _read(page: Page, rules: ArticleSettings, now: datetime) -> _Read:
    decoded = page.decoded()
    return _Read(extract(decoded.text, rules, now), page.url, decoded.note)


def collect_articles(run: Run, links: Sequence[Link], rules: ArticleSettings) -> int:
    """Fetch the articles behind ``links`` that no earlier run has collected, within the
    budget. Returns how many are left to try again: links beyond the budget, and articles
    that failed this time (they are given up after a few attempts)."""
    by_url = {link.url: link for link in links}
    fresh = run.unseen(list(by_url))
    todo = fresh[:max(run.budget, 0)]
    retry = 0
    for url, outcome in run.fetch_each(todo, lambda _url, page: _read(page, rules, run.now)):
        if isinstance(outcome, FetchError) and outcome.reason == "robots":
            # The site's wish, not a fault: noted, and the link is not tried again.
            run.problem(url, str(outcome), warning=True)
            run.mark(url, UrlStatus.EMPTY)
        elif isinstance(outcome, Exception):
            retry += 1
            message = (str(outcome) if isinstance(outcome, FetchError) else
                       f"the page could not be read ({type(outcome).__name__}: {outcome})")
            run.problem(url, message)
            run.mark(url, UrlStatus.FAILED)
        elif outcome.article is None:
            run.problem(url, "no article found on the page")
            run.mark(url, UrlStatus.EMPTY)
        else:
            if outcome.note:
                run.problem(url, outcome.note, warning=True)
            link, article = by_url[url], outcome.article
            run.emit(ItemRecord(
                platform=run.source.platform, url=outcome.final_url,
                title=article.title or link.title, text=article.text,
                published_at=article.published_at or link.published_at,
                raw={"link": url} if outcome.final_url != url else {},
                origin=url,
            ))
            run.mark(url, UrlStatus.OK)
    return len(fresh) - len(todo) + retry

"""Article links on a list page: by selector, or recognised automatically.

Automatic recognition keeps links that stay on the site, lead somewhere other than the list
itself, and look like articles: a headline-length anchor text and a URL with digits or an
``.htm(l)`` page in it — which is how nearly every Chinese news and government site names its
articles (``/2026-11/21/c_1234.htm``, ``/art/2026/11/21/art_1_5678.html``, ``content_123``).
Navigation ("首页", "更多") fails the text test, section indexes fail the URL test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from yuqing.collect.connectors import html
from yuqing.collect.connectors.base import Link
from yuqing.collect.connectors.dates import find_when
from yuqing.collect.connectors.html import lxml_html
from yuqing.collect.connectors.selectors import Selector

#: Headlines are longer than menu entries.
MIN_TITLE = 5
_ARTICLE_PATH = re.compile(r"\d|\.s?html?$", re.IGNORECASE)
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "mil", "co"})
_NEXT_WORDS = frozenset({"下一页", "下页", "下一頁", "next", "next page", "next ›", "next »"})
_CONTAINERS = frozenset({"li", "tr", "dd", "dt", "p", "div", "article", "section"})
#: A container with more text than this holds more than one link's worth of context.
_MAX_CONTEXT = 200


def site_of(url: str) -> str:
    """The registrable part of the host (``xinhuanet.com``, ``example.gov.cn``)."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if host.replace(".", "").isdigit() or len(labels) < 2:
        return host
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _base(doc: lxml_html.HtmlElement, page_url: str) -> str:
    base = doc.find(".//base[@href]")
    return urljoin(page_url, base.get("href", "")) if base is not None else page_url


def _absolute(base: str, href: str) -> str:
    url, _fragment = urldefrag(urljoin(base, href.strip()))
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _anchors(doc: lxml_html.HtmlElement, selector: Selector | None) -> Iterator[
        lxml_html.HtmlElement]:
    if selector is None:
        yield from doc.iterfind(".//a[@href]")
        return
    for element in selector.select(doc):
        if element.tag == "a" and element.get("href"):
            yield element
        else:  # the selector picked the list entry; its first link is the article
            yield from _first_link(element)


def _first_link(element: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    link = element.find(".//a[@href]")
    if link is not None:
        yield link


def _hint(anchor: lxml_html.HtmlElement, title: str, now: datetime) -> datetime | None:
    """A time printed beside the link in its list entry ("11-21 08:00", "3小时前")."""
    node = anchor.getparent()
    for _level in range(3):
        if node is None:
            return None
        if node.tag in _CONTAINERS:
            text = html.squeeze(node.text_content())
            if len(text) > _MAX_CONTEXT:
                return None
            return find_when(text.replace(title, " ", 1), now)
        node = node.getparent()
    return None


def discover(doc: lxml_html.HtmlElement, page_url: str, now: datetime, *,
             selector: Selector | None, pattern: re.Pattern[str] | None) -> list[Link]:
    """Article links of the list page ``doc`` (fetched from ``page_url``), in page order."""
    base = _base(doc, page_url)
    site = site_of(page_url)
    own = urldefrag(page_url)[0]
    found: dict[str, Link] = {}
    for anchor in _anchors(doc, selector):
        url = _absolute(base, anchor.get("href", ""))
        if not url or url == own or url in found:
            continue
        title = html.squeeze(anchor.text_content()) or html.squeeze(anchor.get("title", ""))
        if pattern is not None and not pattern.search(url):
            continue
        if pattern is None and selector is None and not (
                site_of(url) == site and len(title) >= MIN_TITLE
                and _ARTICLE_PATH.search(urlsplit(url).path)):
            continue
        found[url] = Link(url, title[:500], _hint(anchor, title, now))
    return list(found.values())


def next_page(doc: lxml_html.HtmlElement, page_url: str,
              selector: Selector | None) -> str:
    """The list's next page: the selector's link, else a ``rel=next`` or "下一页" link."""
    base = _base(doc, page_url)
    if selector is not None:
        for anchor in _anchors(doc, selector):
            return _absolute(base, anchor.get("href", ""))
        return ""
    for anchor in doc.iterfind(".//a[@href]"):
        text = html.squeeze(anchor.text_content()).lower()
        if "next" in (anchor.get("rel") or "").lower().split() or text in _NEXT_WORDS:
            return _absolute(base, anchor.get("href", ""))
    return ""

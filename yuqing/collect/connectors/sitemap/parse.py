"""Sitemap XML into entries, safely: no entities, no network, bounded decompression."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from yuqing.collect.connectors.dates import parse_when
from yuqing.collect.connectors.html import etree
from yuqing.collect.importing.timeparse import TimeParseError

_GZIP = b"\x1f\x8b"


class SitemapError(ValueError):
    """Not a sitemap, or not well-formed; the message says which."""


@dataclass(frozen=True)
class Entry:
    url: str
    #: ``<lastmod>``, or a news sitemap's publication date.
    modified: datetime | None
    #: A news sitemap's ``<news:title>``.
    title: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    #: True for a sitemap index, whose entries are further sitemaps.
    index: bool
    entries: list[Entry]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           remove_comments=True, remove_pis=True)


def gunzip(content: bytes, limit: int) -> bytes:
    """``content`` decompressed if gzipped, refusing more than ``limit`` bytes of output."""
    if not content.startswith(_GZIP):
        return content
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(content, limit + 1)
    except zlib.error as exc:
        raise SitemapError(f"the gzipped sitemap is damaged ({exc})") from None
    if len(data) > limit:
        raise SitemapError(f"the sitemap unpacks to more than {limit // 1_048_576} MB")
    return data


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str:
    for child in element.iter():
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _time(text: str, now: datetime) -> datetime | None:
    if not text:
        return None
    try:
        return parse_when(text, now)
    except TimeParseError:
        return None


def parse(content: bytes, now: datetime) -> Sitemap:
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"the sitemap is not well-formed XML ({exc})") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"this is not a sitemap (its root element is <{kind}>)")
    entries = []
    for element in root:
        if _local(element.tag) not in ("url", "sitemap"):
            continue
        url = _child_text(element, "loc")
        if not url:
            continue
        published = _time(_child_text(element, "publication_date"), now)
        entries.append(Entry(url, _time(_child_text(element, "lastmod"), now) or published,
                             _child_text(element, "title"), published))
    return Sitemap(kind == "sitemapindex", entries)

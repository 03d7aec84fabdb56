"""robots.txt as RFC 9309 reads it: groups, wildcards, longest match, crawl-delay."""

from __future__ import annotations

import pytest

from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.fetch.robots import RobotsCache, parse

ROBOTS = """
# comment
User-agent: *
Disallow: /private/
Disallow: /*?print=
Disallow: /*.pdf$
Allow: /private/open/
Crawl-delay: 3

User-agent: BadBot
User-agent: yuqing
Disallow: /search
Allow: /search/help
Crawl-delay: 1.5

Sitemap: https://example.gov.cn/sitemap.xml
"""


def allows(text: str, path: str, token: str = "otherbot") -> bool:
    return parse(text, token).allows("https://example.gov.cn" + path)


@pytest.mark.parametrize(("path", "allowed"), [
    ("/", True),
    ("/private/report.html", False),
    ("/private/open/notice.html", True),  # the longer Allow wins
    ("/news/1.html?print=1", False),
    ("/news/1.html?page=2", True),
    ("/files/a.pdf", False),
    ("/files/a.pdf?download=1", True),  # $ anchors the end
    ("/robots.txt", True),
])
def test_star_group(path: str, allowed: bool) -> None:
    assert allows(ROBOTS, path) is allowed


def test_own_group_replaces_the_star_group() -> None:
    robots = parse(ROBOTS, "yuqing")
    assert robots.allows("https://example.gov.cn/private/report.html")
    assert not robots.allows("https://example.gov.cn/search?q=1")
    assert robots.allows("https://example.gov.cn/search/help")
    assert robots.delay == 1.5
    assert parse(ROBOTS, "other").delay == 3.0
    assert robots.sitemaps == ["https://example.gov.cn/sitemap.xml"]


def test_percent_encoding_and_chinese_paths_compare_equal() -> None:
    text = "User-agent: *\nDisallow: /新闻/内部/\n"
    assert not allows(text, "/%E6%96%B0%E9%97%BB/%E5%86%85%E9%83%A8/1.html")
    assert not allows(text, "/新闻/内部/1.html")
    assert allows(text, "/新闻/公开/1.html")


def test_empty_disallow_and_garbage_allow_everything() -> None:
    assert allows("User-agent: *\nDisallow:\n", "/anything")
    assert allows("this is not a robots file\n<html>", "/anything")
    assert allows("", "/anything")


def test_cache_fetches_once_and_reads_failures_as_the_rfc_says() -> None:
    calls: list[str] = []

    def missing(url: str) -> tuple[int, bytes]:
        calls.append(url)
        raise FetchError("http", "HTTP 404", status=404)

    cache = RobotsCache()
    assert cache.get("https://a.example", "yuqing", missing).allows("https://a.example/x")
    cache.get("https://a.example", "yuqing", missing)
    assert calls == ["https://a.example/robots.txt"]

    def broken(url: str) -> tuple[int, bytes]:
        raise FetchError("http", "HTTP 503 Service Unavailable", status=503)

    robots = RobotsCache().get("https://b.example", "yuqing", broken)
    assert robots.blocked.startswith("robots.txt could not be fetched (HTTP 503")
    assert not robots.allows("https://b.example/x")

    expired = RobotsCache(ttl=0.0)
    expired.get("https://c.example", "yuqing", missing)
    expired.get("https://c.example", "yuqing", missing)
    assert calls.count("https://c.example/robots.txt") == 2

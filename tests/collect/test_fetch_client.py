"""The fetcher against a real local server: politeness, limits, retries and every way a
server misbehaves, each ending in one FetchError with a readable message."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.collect import siteserver
from tests.collect.siteserver import SiteServer
from yuqing.collect.fetch.client import Fetcher
from yuqing.collect.fetch.errors import FetchError
from yuqing.collect.fetch.hosts import Gates, HostRule, host_of
from yuqing.collect.fetch.policy import FetchPolicy
from yuqing.collect.fetch.robots import RobotsCache

POLICY = FetchPolicy(user_agent="yuqing/0.1 (test)", timeout=0.5, max_bytes=64 * 1024,
                     max_redirects=3, retries=2, backoff=0.01, host_delay=0.0,
                     host_concurrency=4)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    server = siteserver.start(slow_seconds=3.0)
    yield server
    server.stop()


def fetcher(policy: FetchPolicy = POLICY, **kwargs: object) -> Fetcher:
    """A fetcher with its own robots.txt memory and gates, so tests do not share state."""
    return Fetcher(policy, robots=RobotsCache(), gates=Gates(), **kwargs)  # type: ignore[arg-type]


def test_names_itself_and_answers_conditional_requests(site: SiteServer) -> None:
    with fetcher() as f:
        page = f.get(site.url("/news/index.html"))
        assert page.status == 200 and page.etag and page.last_modified
        assert "滨江新闻网" in page.decoded().text
        again = f.get(site.url("/news/index.html"), etag=page.etag)
    assert again.not_modified and again.content == b""
    requests = [r for r in site.log if r.path == "/news/index.html"]
    assert all(r.headers["user-agent"] == "yuqing/0.1 (test)" for r in requests)
    assert requests[1].headers["if-none-match"] == page.etag
    assert site.hits("/robots.txt") == 1  # fetched once, then remembered


def test_robots_txt_is_obeyed_unless_the_source_opts_out(site: SiteServer) -> None:
    with fetcher() as f:
        with pytest.raises(FetchError,
                           match=r"robots\.txt of 127\.0\.0\.1:\d+ does not allow") as exc:
            f.get(site.url("/news/private/secret-2026.html"))
        assert exc.value.reason == "robots"
        with pytest.raises(FetchError, match="does not allow"):
            f.get(site.url("/news/2026/11/21/a1001.html?print=1"))  # wildcard rule
    assert site.hits("/news/private/secret-2026.html") == 0
    with fetcher(obey_robots=False) as f:
        assert f.get(site.url("/news/private/secret-2026.html")).status == 200


def test_unreachable_robots_txt_blocks_the_host(site: SiteServer) -> None:
    site.robots_status = 500
    with fetcher() as f, pytest.raises(FetchError,
                                       match=r"robots\.txt could not be fetched") as exc:
        f.get(site.url("/news/index.html"))
    assert exc.value.reason == "robots_unavailable"
    assert site.hits("/news/index.html") == 0


def test_missing_robots_txt_allows_everything(site: SiteServer) -> None:
    site.robots_status = 404
    with fetcher() as f:
        assert f.get(site.url("/news/private/secret-2026.html")).status == 200


def test_a_server_that_hangs_times_out(site: SiteServer) -> None:
    policy = replace(POLICY, retries=0)
    started = time.monotonic()
    with fetcher(policy) as f, pytest.raises(FetchError, match=r"did not answer within 0\.5 s"):
        f.get(site.url("/bad/slow"))
    assert time.monotonic() - started < 2.5


def test_a_server_that_drips_is_cut_off(site: SiteServer) -> None:
    policy = replace(POLICY, retries=0)
    started = time.monotonic()
    with fetcher(policy) as f, pytest.raises(FetchError, match=r"took longer than 0\.5 s") as exc:
        f.get(site.url("/bad/drip"))
    assert exc.value.reason == "timeout"
    assert time.monotonic() - started < 2.5


def test_server_errors_are_retried_with_backoff_then_reported(site: SiteServer) -> None:
    with fetcher() as f, pytest.raises(FetchError) as exc:
        f.get(site.url("/bad/500"))
    assert str(exc.value).startswith("HTTP 500 Internal Server Error from http://127.0.0.1")
    assert str(exc.value).endswith("(after 3 attempts)")
    assert exc.value.status == 500
    assert site.hits("/bad/500") == 3


def test_a_flaky_server_succeeds_on_a_retry(site: SiteServer) -> None:
    with fetcher() as f:
        assert f.get(site.url("/bad/flaky")).status == 200
    assert site.hits("/bad/flaky") == 3


def test_retry_after_is_respected(site: SiteServer) -> None:
    started = time.monotonic()
    with fetcher() as f:
        assert f.get(site.url("/bad/429")).status == 200
    assert time.monotonic() - started >= 0.9


def test_client_errors_are_not_retried(site: SiteServer) -> None:
    with fetcher() as f, pytest.raises(FetchError, match="HTTP 404 Not Found"):
        f.get(site.url("/news/nothing-here.html"))
    assert site.hits("/news/nothing-here.html") == 1


def test_redirects_are_followed_within_the_limit(site: SiteServer) -> None:
    with fetcher() as f:
        page = f.get(site.url("/bad/redirects/3"))
        assert page.url == site.url("/news/index.html")
        with pytest.raises(FetchError, match="more than 3 redirects") as exc:
            f.get(site.url("/bad/redirects/4"))
        assert exc.value.reason == "redirects"


def test_a_redirect_loop_is_detected(site: SiteServer) -> None:
    with fetcher() as f, pytest.raises(FetchError, match=r"redirect loop: \S+/bad/loop → "
                                                         r"\S+/bad/loop2 → \S+/bad/loop$"):
        f.get(site.url("/bad/loop"))


def test_a_huge_body_is_abandoned_at_the_cap(site: SiteServer) -> None:
    with fetcher() as f:
        with pytest.raises(FetchError, match="sent more than 64 KB; stopped reading") as exc:
            f.get(site.url("/bad/huge"))
        assert exc.value.reason == "too_large"
        with pytest.raises(FetchError, match=r"is 50\.0 MB, over the 64 KB limit"):
            f.get(site.url("/bad/huge-declared"))
        assert f.bytes < 200 * 1024


def test_only_http_urls_are_fetched() -> None:
    with fetcher() as f:
        for url in ("file:///etc/passwd", "ftp://example.org/x", "http://", "javascript:x"):
            with pytest.raises(FetchError, match="not an http") as exc:
                f.get(url)
            assert exc.value.reason == "url"


def test_a_closed_port_is_a_network_error() -> None:
    server = siteserver.start()
    url = server.url("/news/index.html")
    server.stop()
    with fetcher(replace(POLICY, retries=0)) as f, pytest.raises(FetchError,
                                                                 match="could not connect"):
        f.get(url)


def test_host_policy_paces_requests(site: SiteServer) -> None:
    rules = {host_of(site.base): HostRule(delay=0.2, concurrency=1)}
    with fetcher(hosts=rules) as f:
        f.get(site.url("/robots.txt"))
        started = time.monotonic()
        for _ in range(3):
            f.get(site.url("/news/list_2.html"))
    assert time.monotonic() - started >= 0.55


def test_gate_limits_requests_in_flight() -> None:
    gate = Gates().get("example.org", HostRule(delay=0.0, concurrency=2))
    inside = peak = 0

    def enter() -> None:
        nonlocal inside, peak
        with gate.slot():
            inside += 1
            peak = max(peak, inside)
            time.sleep(0.05)
            inside -= 1

    import threading
    threads = [threading.Thread(target=enter) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2

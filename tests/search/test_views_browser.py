"""Search in a real browser: a phrase and filters, results swapped in place, marked words,
a facet, an error pointed at, no Content-Security-Policy violation.

Drives Debian's Chromium through Playwright. Data and the index are made before Playwright
starts (its sync API runs an event loop in this thread, where Django refuses ORM calls).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import LIVE, csp_violations
from tests.conftest import PASSWORD
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role
from yuqing.search import indexing

SCREENSHOT = Path("/tmp/yuqing-search.png")

pytestmark = LIVE


@pytest.fixture
def data(units: dict[str, Unit], feeds: dict[str, Source], add_item: Callable[..., Item],
         make_user: Callable[..., User]) -> dict[str, Item]:
    make_user("searcher", Role.ANALYST, units["district"])
    for n in range(8):
        add_item(feeds["a"], f"东湖路段夜间施工噪音扰民，第{n}条", minutes=n, tone="negative")
    made = {
        "phrase": add_item(feeds["b"], "西湖街道部分小区明天停水，请提前储水。",
                           title="西湖区停水通知", minutes=20, tone="neutral",
                           province="330000", city="330100"),
        "split": add_item(feeds["a"], "明天停电，后天停水", minutes=21, tone="negative"),
        "forum": add_item(feeds["a"], "西湖街道部分小区明天停水？谁知道", minutes=22,
                          tone="negative"),
    }
    indexing.reindex()
    return made


def test_search_with_a_phrase_and_filters(live_server: Any, data: dict[str, Item],
                                          browser: Browser) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="en-US")
    violations = csp_violations(page)
    page.goto(f"{base}/search/")
    page.fill("input[name=username]", "searcher")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-box button[type=submit]")
    expect(page).to_have_url(f"{base}/search/")
    expect(page.locator("nav.sidebar a.active")).to_have_attribute("href", "/search/")

    page.evaluate("window.notReloaded = true")
    page.fill("input[name=q]", '"部分小区明天停水"')
    page.click(".search-box button[type=submit]")
    hits = page.locator("ol.hits > li")
    expect(hits).to_have_count(2)
    expect(hits.first.locator("mark")).to_have_text("部分小区明天停水")
    page.select_option("select[name=platform]", "news")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("西湖区停水通知")
    assert "platform=news" in page.url
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # A facet narrows by tone; the count follows.
    page.goto(f"{base}/search/?q=停水")
    expect(page.locator(".results-bar .count")).to_contain_text("3")
    page.locator(".facet[data-facet=tone] a").first.click()
    expect(page.locator("ol.hits > li")).to_have_count(2)

    page.fill("input[name=q]", "停水 AND (西湖")
    page.click(".search-box button[type=submit]")
    expect(page.locator(".query-error-at")).to_have_text("(")
    assert violations == []

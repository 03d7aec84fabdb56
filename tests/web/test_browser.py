"""The web shell in a real browser: login, language switch, HTMX filtering, item detail.

Drives Debian's Chromium (installed by scripts/setup.sh) through Playwright. All data is
created before Playwright starts, because its sync API runs an event loop in this thread and
Django refuses ORM calls from there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import LIVE, csp_violations
from tests.conftest import PASSWORD
from tests.web.conftest import at
from yuqing.collect.models import Item, Source
from yuqing.orgs.models import Unit, User
from yuqing.orgs.roles import Role

SCREENSHOT = Path("/tmp/yuqing-items.png")

pytestmark = LIVE


@pytest.fixture
def data(units: dict[str, Unit], sources: dict[str, Source],
         make_item: Callable[..., Item], make_user: Callable[..., User]) -> Item:
    """A few dozen items on two platforms; returns the one the test looks for."""
    make_user("wangfang", Role.ANALYST, units["district"])
    for n in range(30):
        make_item(sources["a" if n % 2 else "b"], title=f"关于道路施工的第{n}条讨论",
                  text="东湖路段夜间施工噪音扰民，居民反映强烈。" * 3, likes=n * 17,
                  reposts=n * 3, comments=n, views=n * 1000, author_display="张*三",
                  published_at=at(1 + n % 28, n % 24))
    target = make_item(sources["b"], title="西湖区停水通知引发热议", platform="news",
                       text="因管网改造，西湖街道部分小区停水。\n<b>不是标签</b>",
                       url="https://news.example.cn/a/1", likes=321, published_at=at(28, 9))
    make_item(sources["a"], title="停水（论坛转载）", published_at=at(28, 10))
    make_item(sources["b"], text="什么时候恢复供水？", kind="comment", parent=target,
              author_display="李*", published_at=at(28, 11))
    return target


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/items/")
    expect(page).to_have_url(f"{base}/login/?next=/items/")
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-box button[type=submit]")
    expect(page).to_have_url(f"{base}/items/")


def test_browse_filter_and_open_an_item(live_server: Any, data: Item, browser: Browser) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="en-US")
    violations = csp_violations(page)

    log_in(page, base)
    # Chinese by default, although the browser asks for English.
    expect(page.locator("h1")).to_have_text("采集条目")
    expect(page.locator(".topbar")).to_contain_text("滨江区")
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.click(".topbar .lang-switch button[value=en]")
    expect(page.locator("h1")).to_have_text("Collected items")
    expect(page).to_have_url(f"{base}/items/")

    # Filtering swaps the results in place (no reload) and updates the address bar.
    page.evaluate("window.notReloaded = true")
    page.fill("input[name=q]", "停水")
    page.select_option("select[name=platform]", "news")
    page.click("form.filters button[type=submit]")
    rows = page.locator("table.items tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("西湖区停水通知引发热议")
    expect(page).to_have_url(f"{base}/items/?q=%E5%81%9C%E6%B0%B4&date_from=&date_to="
                             "&platform=news&source=&tier=")
    assert page.evaluate("window.notReloaded") is True

    page.click("text=西湖区停水通知引发热议")
    expect(page).to_have_url(f"{base}/items/{data.pk}/")
    expect(page.locator(".item-text")).to_contain_text("<b>不是标签</b>")
    expect(page.locator(".item-url a")).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator("section.panel").filter(has_text="Comments and reposts")) \
        .to_contain_text("什么时候恢复供水？")
    assert violations == []

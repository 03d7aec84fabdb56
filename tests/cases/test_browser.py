"""A case end to end in a real browser: an analyst opens a case from an alert and it is routed
by the task division; the responsible street's handler records the response and closes it;
a handler of another street cannot see it.

All data is created before Playwright starts (its sync API runs an event loop in this thread,
where Django refuses ORM calls), so the checks are made on the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import LIVE, csp_violations
from tests.cases.conftest import World, analyse, make_alert
from tests.conftest import PASSWORD
from yuqing.collect.models import Item

SCREENSHOT = Path("/tmp/yuqing-case.png")

pytestmark = LIVE


@dataclass
class Scene:
    alert: int
    category: int
    handler: int


@pytest.fixture
def scene(world: World, make_item: Callable[..., Item]) -> Scene:
    item = make_item(world.source_a, title="东湖路工地凌晨还在施工",
                     text="凌晨两点还在打桩，整栋楼的人都睡不着。", url="https://bbs.example.cn/t/1")
    analyse(item)
    alert = make_alert(world.units["street_a"], item=item)
    return Scene(alert=alert.pk, category=world.noise.pk, handler=world.handler_a.pk)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-box button[type=submit]")
    expect(page.locator(".topbar .who-user")).to_be_visible()
    # The English interface, so the test reads the same whatever the translations say.
    if page.locator(".topbar .lang-switch button[value=en]").count():
        page.click(".topbar .lang-switch button[value=en]")


def log_out(page: Page) -> None:
    page.click(".topbar form.inline-form button[type=submit]")


def move(page: Page, target: str) -> None:
    """Take a status step and wait for the page that shows it (English labels = values)."""
    page.click(f"form.move:has(input[name=target][value={target}]) button")
    expect(page.locator(".case-status")).to_have_text(target)


def test_open_route_respond_close_and_stay_private(live_server: Any, scene: Scene,
                                                   browser: Browser) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="en-US")
    violations = csp_violations(page)

    # The analyst follows the alert's "open a case" link: the form is filled from the alert.
    log_in(page, base, "wangfang")
    page.goto(f"{base}/cases/new/?alert={scene.alert}")
    expect(page.locator("input[name=title]")).to_have_value("东湖路工地凌晨还在施工")
    expect(page.locator("input[name=region_code]")).to_have_value("330108")
    expect(page.locator("textarea[name=summary]")).to_contain_text("负面帖子")
    page.select_option("select[name=category]", str(scene.category))
    page.fill("textarea[name=suggestion]", "街道当日核实施工许可并回应。")
    page.click("form.case-form button[type=submit]")

    # Routed by the task division to the street, which the page says.
    expect(page.locator("h1.case-title")).to_have_text("东湖路工地凌晨还在施工")
    expect(page.locator(".case-unit")).to_contain_text("东湖街道")
    expect(page.locator(".routed-by")).to_contain_text("东湖片区城市管理")
    expect(page.locator(".case-status")).to_have_text("new")
    expect(page.locator(".case-evidence")).to_contain_text("东湖路工地凌晨还在施工")
    page.select_option("form.assign select[name=assignee]", str(scene.handler))
    page.click("form.assign button[type=submit]")
    expect(page.locator(".case-assignee")).to_contain_text("handler-a")
    case_url = page.url
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    log_out(page)

    # The street's handler finds it in the list and handles it to the end.
    log_in(page, base, "handler-a")
    page.goto(f"{base}/cases/")
    page.click("text=东湖路工地凌晨还在施工")
    expect(page).to_have_url(case_url)
    move(page, "assessing")
    move(page, "handling")
    page.select_option("form.timeline-form select[name=kind]", "statement")
    page.fill("form.timeline-form textarea[name=text]", "街道发布情况说明：工地已停止夜间施工。")
    page.fill("form.timeline-form input[name=link]", "https://www.example.gov.cn/notice/1")
    page.click("form.timeline-form button[type=submit]")
    timeline = page.locator(".case-timeline")
    expect(timeline).to_contain_text("工地已停止夜间施工")
    expect(timeline.locator("a[href='https://www.example.gov.cn/notice/1']")).to_be_visible()
    move(page, "responded")
    move(page, "resolved")
    expect(timeline).to_contain_text("responded → resolved")
    log_out(page)

    # Another street's handler: not in the list, and the address is a 404.
    log_in(page, base, "handler-b")
    page.goto(f"{base}/cases/?status=all")
    expect(page.locator(".results")).not_to_contain_text("东湖路工地凌晨还在施工")
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    assert violations == []

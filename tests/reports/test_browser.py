"""The dashboard, an event and a daily report in a real browser (Playwright + Chromium).

Charts must be drawn by Chart.js (served from node_modules) under the strict CSP, and drawn
again after HTMX swaps the dashboard; the report is generated from the form and downloaded in
each format: the PDF is rendered to images (it must show the Chinese title and a chart), the
DOCX opened with python-docx. All data is made before Playwright starts (its sync API runs
an event loop in this thread, where Django refuses ORM calls).

The event page's panels need ``analysis.views._event_context`` to add the report app's
``insight`` (see yuqing/reports/eventpage.py).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from tests.browser import LIVE, csp_violations
from tests.conftest import PASSWORD
from tests.reports.conftest import World
from tests.reports.pdf import colour_pixels, pages
from yuqing.reports.figures import platform_color

SCREENSHOT = Path("/tmp/yuqing-dashboard.png")
CHARTS_DRAWN = """(count) => {
  const canvases = [...document.querySelectorAll('canvas[data-chart]')];
  return window.Chart && canvases.length === count && canvases.every(c => Chart.getChart(c));
}"""

pytestmark = LIVE


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-box button[type=submit]")
    expect(page.locator(".topbar .who-user")).to_be_visible()
    page.click(".topbar .lang-switch button[value=en]")


def download(page: Page, fmt: str) -> bytes:
    with page.expect_download() as info:
        page.click(f".downloads a[data-format={fmt}]")
    return Path(info.value.path()).read_bytes()


def test_dashboard_event_and_daily_report(live_server: Any, world: World,
                                          browser: Browser) -> None:
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="en-US",
                            accept_downloads=True)
    # The interface follows only the language cookie (Chinese by default); this test reads
    # English labels, as a user who chose English would see them.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                               "url": base}])
    violations = csp_violations(page)
    log_in(page, base)

    # The dashboard: five charts drawn; a new window swaps the panels and redraws them.
    page.goto(f"{base}/reports/dashboard/?hours=72")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.wait_for_function(CHARTS_DRAWN, arg=5)
    expect(page.locator(".kpi-value").first).to_have_text("17")
    page.evaluate("window.notReloaded = true")
    page.select_option("select[name=hours]", "24")
    expect(page.locator(".dash-asof")).to_contain_text("last 24 hours")
    page.wait_for_function(CHARTS_DRAWN, arg=5)
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("Object.keys(Chart.instances).length") == 5  # old ones destroyed
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # The top event, with its curves.
    page.select_option("select[name=hours]", "72")
    # Wait for the swap: the 24-hour table (where the fire leads) is there until then.
    expect(page.locator(".dash-asof")).to_contain_text("last 72 hours")
    page.click("table.top-events tbody tr:first-child a")
    expect(page.locator("h1.event-title")).to_contain_text("幸福小区停水")
    page.wait_for_function(CHARTS_DRAWN, arg=3)
    expect(page.locator("ol.timeline li").first).to_contain_text("First report")

    # A daily report for the fixture's day, generated from the form and downloaded.
    page.goto(f"{base}/reports/new/")
    page.select_option("select[name=kind]", "daily")
    page.select_option("select[name=unit]", "district")
    page.fill("input[name=day]", world.day.isoformat())
    page.click("form.report-form button[type=submit]")
    # A report is titled when generated, in the office's language.
    expect(page.locator("h1.report-title")).to_contain_text("舆情日报")
    expect(page.frame_locator("iframe.report-frame").locator("p.masthead")) \
        .to_have_text("舆情日报")
    pdf = pages(download(page, "pdf"))
    assert "舆情日报" in pdf[0].text
    assert max(colour_pixels(p.image, platform_color("forum")) for p in pdf) > 500
    document = docx.Document(BytesIO(download(page, "docx")))
    assert next(p.text for p in document.paragraphs if p.style is not None
                and p.style.name == "Heading 1") == "一、总体情况"
    assert document.tables and document.inline_shapes
    assert b"data:image/png;base64," in download(page, "html")
    assert violations == []

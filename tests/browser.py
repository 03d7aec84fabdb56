"""What every browser test shares: Debian's Chromium, its flags, the ``browser`` fixture and
the database marks for Django's live server.

Playwright's own browser download cannot work offline, so the tests launch Debian's
``chromium`` package (scripts/setup.sh installs it). A test module sets ``pytestmark = LIVE``
and takes the ``browser`` fixture (tests/conftest.py makes it available everywhere).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]

# The live server runs in another thread against the real test database, so the test must
# commit its data (transaction=True). available_apps makes the flush afterwards skip
# post_migrate; fixtures that need the default credibility tiers create them again
# (``ensure_default_tiers`` in the ``source`` fixture).
LIVE = [pytest.mark.browser,
        pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(scripts/setup.sh does) to run the browser tests", pytrace=False)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def csp_violations(page: Page) -> list[str]:
    """A list that fills with the page's Content-Security-Policy complaints: every browser
    test asserts it stays empty (charts and HTMX must work under the strict policy)."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    return found

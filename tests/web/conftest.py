"""Fixtures of the end-to-end and browser tests: the session's live portal, one Chromium, a fresh page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import chromium
from tests.support.live import LivePortal


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def portal(live_portal: LivePortal) -> LivePortal:
    return live_portal


@pytest.fixture
def page(browser: Browser, portal: LivePortal) -> Iterator[Page]:
    """A page in a context of its own (no cookies shared with other tests) that may ask nothing of any
    origin but the portal's own and S3's (moto server, for uploads and downloads)."""
    context = browser.new_context(base_url=portal.url, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    allowed = (portal.url, portal.moto_url)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(allowed) else None)
    yield page
    context.close()
    assert outside == [], f"the page made third-party requests: {outside}"

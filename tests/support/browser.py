"""Debian's Chromium, driven by Playwright, and axe-core's verdict on a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.base import AXE_FILE_PATH
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium as root on a machine without a network beyond loopback (the flags keep it
    from calling Google's services, which this machine refuses)."""
    assert Path(CHROMIUM).exists(), "Debian chromium is missing: make test installs it (devtools/ensure-browser.sh)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def with_axe(context: BrowserContext) -> None:
    """axe-core loads into every page of the context as it opens: a context that checks many pages
    then sends its 570 kB over once, not to each page it checks (about a tenth of a second a page)."""
    context.add_init_script(path=str(AXE_FILE_PATH))


def assert_accessible(page: Page) -> None:
    loaded = page.evaluate("typeof axe === 'object'")
    results = (Axe(axe_script="undefined") if loaded else Axe()).run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

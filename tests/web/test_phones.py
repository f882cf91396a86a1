"""Every page type on a 320 px phone and a 1280 px screen, in headless Chromium against `make run`'s portal.

WCAG 1.4.10 (reflow): no page may scroll sideways at 320 CSS pixels. axe-core cannot see that, so
the width is measured; axe-core checks each page type at both widths. The menu folds away behind a
button on a phone, without JavaScript.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from devtools.page_types import page_types
from tests.support.browser import assert_accessible
from tests.support.documents import pdf
from tests.support.live import live_stack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def visits(browser: Browser) -> Iterator[list[tuple[str, Page, str]]]:
    """Each page type once: (name, the page of the person who sees it, its path).

    On a stack of its own, as `make run` and `make screenshots` start it: one page type is reached
    from the morning digest, which a deployment sends once a day, so it cannot share a stack with
    the browser tests' own digest."""
    with live_stack() as portal, page_types(browser, portal.url, portal.manage) as pages:
        yield pages


# `make screenshots` sets this: a full-page picture of every page type at each width goes there
SCREENSHOTS = os.environ.get("SCREENSHOTS")


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_no_page_type_scrolls_sideways_and_each_passes_axe(visits, width):
    too_wide = {}
    for name, page, path in visits:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = scroll_width
        assert_accessible(page)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    assert too_wide == {}, f"wider than {width} px: {too_wide}"
    assert len(visits) >= 30  # every page type: public, attendee, speaker, member, workspace


def test_on_a_phone_the_menu_folds_behind_a_button(visits):
    _name, page, _path = visits[0]
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Kennisbank")).to_be_hidden()
    # the header takes little of the first screen
    assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") < 160
    nav.get_by_text("Menu").click()
    expect(nav.get_by_role("link", name="Kennisbank")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Kennisbank")).to_be_visible()


def test_on_a_phone_the_event_page_leads_straight_to_the_form(visits):
    _name, page, _path = visits[0]
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/events/netwerkbijeenkomst-zwijndrecht")
    link = page.get_by_role("link", name="Naar het aanmeldformulier")
    assert link.bounding_box()["y"] < 900  # within the first screens, not 2,000 px down
    link.click()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Naam", exact=True)).to_be_focused()


def test_the_speakers_page_with_a_file_in_fits_a_phone(visits):
    """Once a file is in, the speaker's table has a file name and a button per slot: still no sideways
    scrolling (the table stacks), and axe-core finds nothing."""
    [(_name, page, path)] = [v for v in visits if v[0] == "speaker"]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(path)
    slides = {"name": "Polarisatie in de wijk - een lange bestandsnaam.pdf", "mimeType": "application/pdf"}
    page.get_by_label("Bestand", exact=True).set_input_files({**slides, "buffer": pdf("Dia een")})
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw bestand is opgeslagen.")
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        expect(page.get_by_role("link", name="Verwijderen")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

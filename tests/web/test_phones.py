"""Every page type on a 320 px phone and a 1280 px screen, in headless Chromium against `make run`'s portal.

WCAG 1.4.10 (reflow): no page may scroll sideways at 320 CSS pixels. axe-core cannot see that, so
the width is measured; axe-core checks each page type at both widths. The menu folds away behind a
button on a phone, without JavaScript. The HTML of every page type, as served, passes the Nu HTML
Checker (WCAG 2.1's 4.1.1, Parsing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.core import checked
from devtools.page_types import page_types
from tests.support.browser import assert_accessible, with_axe
from tests.support.documents import pdf
from tests.support.live import live_stack
from tests.support.markup import markup_errors

# one process takes every test here: the stack seeded with long data (about a minute) is made once
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("phones")]


@pytest.fixture(scope="module")
def visits(browser: Browser) -> Iterator[list[tuple[str, Page, str]]]:
    """Each page type once: (name, the page of the person who sees it, its path).

    On a stack of its own, as `make run` and `make screenshots` start it: one page type is reached
    from the morning digest, which a deployment sends once a day, so it cannot share a stack with
    the browser tests' own digest."""
    with live_stack() as portal, page_types(browser, portal.url, portal.manage, portal.env) as pages:
        for context in {id(page.context): page.context for _name, page, _path in pages}.values():
            with_axe(context)  # axe-core checks every page type three times over
        yield pages


# the outermost elements that reach past the screen's right edge inside one that does not, to say
# what makes a page too wide
WIDEST = """width => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width && e.parentElement.getBoundingClientRect().right <= width)
    .slice(0, 4).map(e => e.tagName.toLowerCase() + "." + String(e.className).trim().replace(/ +/g, ".")
        + " " + e.textContent.trim().slice(0, 30))"""

# `make screenshots` sets this: a full-page picture of every page type at each width goes there
SCREENSHOTS = os.environ.get("SCREENSHOTS")


# each width in two halves of the page types (every other one), so that no test comes near a minute
@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("width", checked.WIDTHS)
def test_no_page_type_scrolls_sideways_and_each_passes_axe(visits, width, half):
    too_wide = {}
    for name, page, path in visits[half::2]:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[name] = (scroll_width, page.evaluate(WIDEST, width))
        assert_accessible(page)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    assert too_wide == {}, f"wider than {width} px: {too_wide}"
    # every page type (public signed out and in, attendee, speaker, member, workspace): the number the
    # accessibility statement gives
    assert len(visits) == checked.PAGES


def test_every_page_type_is_valid_html(visits):
    """Read as each person's browser gets it (their cookies), and checked in one run of the checker."""
    served = {name: page.request.get(path).text() for name, page, path in visits}
    errors = markup_errors(served)
    assert errors == [], "\n".join(errors)


def test_on_a_phone_a_stacked_table_is_still_a_table_to_a_screen_reader(visits):
    """On a phone the rows of a list table are blocks, one under the other; the markup names no roles
    (HTML forbids them on a table's parts), and Chromium's accessibility tree still has the table."""
    [(_name, page, path)] = [v for v in visits if v[0] == "registrations"]
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(path)
    cells = page.locator(".table-stack tbody td")
    assert cells.count() > 0
    assert cells.first.evaluate("cell => getComputedStyle(cell).display") == "block"
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = [node["role"]["value"] for node in tree if not node.get("ignored")]
    assert "table" in roles
    assert "columnheader" in roles
    assert roles.count("cell") >= cells.count()


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

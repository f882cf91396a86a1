"""The look: NL Design System's CSS, vendored, under the network's own theme.

Static checks of the three stylesheets (the pages themselves are checked in Chromium by
tests/web/test_phones.py: no sideways scrolling, zero axe-core violations, colour contrast included).
"""

from __future__ import annotations

import json
import re

from tests.support.aws import ROOT
from tests.support.web import FormSession

STATIC = ROOT / "chalicelib" / "static"
NLDS = ROOT / "devtools" / "nlds"
USES = re.compile(r"var\((--[a-zA-Z0-9_-]+)\)")  # without a fallback: it must be defined
DEFINES = re.compile(r"(--[a-zA-Z0-9_-]+):")


def css(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def tokens_block(text: str) -> str:
    """The vendored file's token rule: `.portal-theme{...}`, right after its header."""
    return text[text.index(".portal-theme{") : text.index("}", text.index(".portal-theme{"))]


def test_every_token_the_portal_and_its_theme_use_is_defined():
    defined = set(DEFINES.findall(tokens_block(css("nlds.css")))) | set(DEFINES.findall(css("theme.css")))
    defined |= set(DEFINES.findall(css("portal.css")))
    for name in ("theme.css", "portal.css"):
        missing = set(USES.findall(css(name))) - defined
        assert missing == set(), (name, sorted(missing))


def test_the_theme_gives_every_brand_token_the_vendored_tokens_leave_open():
    """The vendored tokens name the brand's colours and fonts without defining them: theme.css does."""
    tokens = tokens_block(css("nlds.css"))
    open_ = set(USES.findall(tokens)) - set(DEFINES.findall(tokens))
    assert open_ - set(DEFINES.findall(css("theme.css"))) == set()
    assert "--basis-color-accent-1-color-default" in open_  # the network's colour is the theme's
    assert "--basis-text-font-family-default" in open_
    # negative control: without the theme, that many would be unset
    assert len(open_) > 30


def test_the_vendored_css_is_what_the_lock_file_pins_with_its_licence():
    lock = json.loads((NLDS / "package-lock.json").read_text())["packages"]
    header = css("nlds.css")[: css("nlds.css").index("*/")]
    for package in json.loads((NLDS / "package.json").read_text())["dependencies"]:
        assert f" * {package} {lock[f'node_modules/{package}']['version']}\n" in header, package
        assert lock[f"node_modules/{package}"]["license"] == "EUPL-1.2"
    assert "European Union Public Licence" in (STATIC / "nlds-licences" / "EUPL-1.2.md").read_text()


def test_no_stylesheet_loads_anything_from_elsewhere():
    for name in ("nlds.css", "theme.css", "portal.css"):
        text = css(name)
        assert "@import" not in text, name
        assert "@font-face" not in text, name
        assert re.findall(r"url\((?!\"?/static/|\"?data:)", text) == [], name


def test_every_page_carries_the_theme_and_the_three_stylesheets_in_order(client):
    page = FormSession(client).get("/").body.decode()
    # the network's brand colours, one of the palettes the theme holds (the default's blue here)
    assert '<html lang="nl" class="utrecht-html portal-theme palette-blauw">' in page
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert links == ["/static/nlds.css", "/static/theme.css", "/static/portal.css"]
    for link in [*links, "/static/logo.svg"]:
        response = client.http.get(link)
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == "public, max-age=3600"

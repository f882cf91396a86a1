"""The visitor's language: their browser's on a first visit, their own choice after it; the site's
English name and a file's size, the same wherever they are shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from chalicelib.core.i18n import format_size, negotiate
from chalicelib.networks import service as networks
from tests.support.library import put_material
from tests.support.web import FormSession

ROOT = Path(__file__).resolve().parent.parent.parent


def _lang(response) -> str:
    found = re.search(r'<html lang="(\w+)"', response.body.decode())
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("EN-us", "en"),
        ("de-DE,de;q=0.9,en;q=0.8,nl;q=0.7", "en"),
        ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
        ("en;q=0.5,nl;q=0.8", "nl"),
        ("en;q=0.8,nl;q=0.8", "en"),  # equal weights: the first named
        ("fr-FR,fr;q=0.9", "nl"),
        ("en;q=0", "nl"),  # q=0: not acceptable
        ("en;q=abc", "nl"),
        ("*", "nl"),
        ("", "nl"),
        ("en;q=2", "nl"),
    ],
)
def test_accept_language_is_negotiated_among_the_portals_languages(header, expected):
    assert negotiate(header) == expected


def test_a_first_visit_from_an_english_browser_is_english_and_a_choice_afterwards_wins(moto, client):
    english = {"accept-language": "en-GB,en;q=0.9"}
    first = client.http.get("/", headers=english)
    assert _lang(first) == "en"
    assert "Regional network on social unrest" in first.body.decode()
    # the switch to Dutch sets the cookie; from then on the browser's header no longer counts
    switched = client.http.get("/taal/nl?next=/", headers=english)
    cookie = switched.headers["Set-Cookie"].split(";")[0]
    assert cookie == "lang=nl"
    assert _lang(client.http.get("/events", headers={**english, "cookie": cookie})) == "nl"
    # and the other way round: a Dutch browser that chose English
    assert _lang(client.http.get("/", headers={"accept-language": "nl", "cookie": "lang=en"})) == "en"


def test_without_any_header_the_portal_speaks_dutch(moto, client):
    assert _lang(client.http.get("/")) == "nl"


def test_a_404_and_the_api_follow_the_browser_too(moto, client):
    assert "<h1>Not found</h1>" in client.http.get("/bestaat/niet", headers={"accept-language": "en"}).body.decode()
    assert "<h1>Niet gevonden</h1>" in client.http.get("/bestaat/niet").body.decode()


def test_the_shared_news_feed_says_it_varies_by_language(moto, client):
    response = client.http.get("/nieuws.atom")
    assert response.status_code == 200
    assert response.headers["Vary"] == "Accept-Language, Cookie"


@pytest.mark.parametrize("path", ["/", "/privacy", "/toegankelijkheid", "/events", "/bestaat-niet"])
def test_every_english_page_names_the_network_alike(moto, client, path):
    page = FormSession(client, "en").get(path).body.decode().lower()
    assert "regional network on social unrest" in page
    assert "public discontent" not in page


def test_the_english_site_name_is_one_name():
    """The network's name is its own setting, not a text of the portal: no text names the default
    network (the privacy and accessibility statements say whichever network's it is), and its English
    name is the one the header and title show."""
    with (ROOT / "locale/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    assert [m.id for m in catalog if m.id and "netwerk maatschappelijk ongenoegen" in str(m.id).lower()] == []
    assert [m.id for m in catalog if m.id and "%(network)s" in str(m.id)] != []
    assert networks.DEFAULT_TITLE["en"] == "Regional network on social unrest"


@pytest.mark.parametrize(
    ("size", "dutch", "english"),
    [
        (0, "1 kB", "1 kB"),
        (511, "1 kB", "1 kB"),
        (2600, "3 kB", "3 kB"),
        (1023 * 1024, "1,0 MB", "1.0 MB"),
        (999 * 1024, "999 kB", "999 kB"),
        (int(2.4 * 1024 * 1024), "2,4 MB", "2.4 MB"),
    ],
)
def test_a_file_size_reads_one_way(size, dutch, english):
    assert (format_size(size, "nl"), format_size(size, "en")) == (dutch, english)


def test_no_template_reckons_a_file_size_itself():
    """One formatter (file_size): a template that divided by 1024 itself could round another way."""
    reckoning = [
        path.name for path in (ROOT / "templates").rglob("*.html") if re.search(r"1024|\bkB\b", path.read_text())
    ]
    assert reckoning == ["_upload.html"]  # the upload's limit in bytes for the browser's check, not a size shown


def test_the_event_page_and_the_workspace_show_a_files_size_alike(make_event, organiser):
    make_event()
    material = put_material("public")
    shown = format_size(material.size, "nl")
    assert f"(PDF, {shown})" in organiser.get(f"/beheer/materialen/{material.id}").body.decode()
    public = FormSession(organiser.client).get(f"/events/{material.event_slug}").body.decode()
    assert material.title in public
    assert f"PDF, {shown}" in public

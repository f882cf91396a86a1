"""End to end in headless Chromium: the real form served by `chalice local` on moto server.

A visitor registers for the demo meeting, opens the personal link from the
mail in the local outbox, and cancels; axe-core checks every page on the way.
Never skipped: without /usr/bin/chromium this fails (`make test` installs it first).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from devtools.page_types import open_mailed_link, sign_in
from tests.support.browser import assert_accessible
from tests.support.documents import pdf
from tests.support.live import LivePortal
from tests.support.stored import present

pytestmark = pytest.mark.browser

DEMO = "/events/netwerkbijeenkomst-zwijndrecht"
MEETING_LINK = "https://meet.jit.si/netwerkbijeenkomst-zwijndrecht-demo"  # demo/events.yaml


def calendar_download(page: Page, link: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    return Path(download.value.path()).read_bytes()


def test_register_read_the_mail_and_cancel(page: Page):
    page.goto(DEMO)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Netwerkbijeenkomst Maatschappelijk ongenoegen")
    expect(page.get_by_text("Welkomstwoord")).to_be_visible()
    assert_accessible(page)

    # a mistake first: the messages sit next to the fields and the input stays
    page.get_by_label("Naam").fill("Leonora Buis-Meulmeester")
    page.get_by_label("E-mailadres").fill("leonora@")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")
    expect(page.get_by_label("Naam")).to_have_value("Leonora Buis-Meulmeester")
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill("leonora.buis@zwijndrecht.nl")
    page.get_by_label("Organisatie").fill("VAR")
    page.get_by_label("Aandachtsfunctionaris maatschappelijk ongenoegen (gemeente)").check()
    # the demo meeting is hybrid: the seat is online, so the personal page shows the meeting link
    page.get_by_role("group", name="Hoe neemt u deel?").get_by_label("Online").check()
    page.get_by_role("group", name="Neemt u deel aan de netwerkborrel?").get_by_label("Ja").check()
    page.get_by_label("Dieetwensen").fill("Vegetarisch")
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    page.get_by_role("button", name="Aanmelden").click()

    # what was sent and where the link went; the link itself only by mail
    expect(page.get_by_role("status")).to_contain_text("Bijna klaar: kijk in uw e-mail.")
    expect(page.get_by_text("De bevestiging gaat naar leonora.buis@zwijndrecht.nl.")).to_be_visible()
    expect(page.locator('a[href^="/r/"]')).to_have_count(0)
    assert_accessible(page)

    # the personal link, from the mail as the local outbox shows it
    page.goto("/outbox")
    mail = page.get_by_role("article").filter(has_text="leonora.buis@zwijndrecht.nl").first
    expect(mail).to_contain_text("Uw aanmelding voor Netwerkbijeenkomst")
    expect(mail).to_contain_text(f"Link naar de online bijeenkomst: {MEETING_LINK}")
    mail.get_by_role("link", name="/r/").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw aanmelding")
    expect(page.get_by_text("Leonora Buis-Meulmeester")).to_be_visible()
    expect(page.get_by_text("Vegetarisch")).to_be_visible()  # the answers to the meeting's own questions
    expect(page.get_by_role("link", name=MEETING_LINK)).to_be_visible()
    assert_accessible(page)
    own_calendar = calendar_download(page, "Zet in uw agenda (.ics)")
    assert b"STATUS:CONFIRMED" in own_calendar
    assert str(Calendar.from_ical(own_calendar).walk("VEVENT")[0]["conference"]) == MEETING_LINK

    page.get_by_role("link", name="Aanmelding annuleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelding annuleren?")
    assert_accessible(page)
    page.get_by_role("button", name="Ja, annuleer mijn aanmelding").click()
    expect(page.get_by_role("status")).to_contain_text("Uw aanmelding is geannuleerd.")
    expect(page.get_by_role("link", name="Aanmelding annuleren")).to_have_count(0)
    assert_accessible(page)
    # the file that takes it out of the calendar it was put in
    assert b"METHOD:CANCEL" in calendar_download(page, "Haal de bijeenkomst uit uw agenda (.ics)")
    page.goto("/outbox")
    expect(page.get_by_role("article").filter(has_text="is geannuleerd").first).to_contain_text(
        "leonora.buis@zwijndrecht.nl"
    )


def test_choose_a_workshop_and_change_it(page: Page):
    """On location the demo meeting asks a workshop of its round; the personal page changes it."""
    page.goto(DEMO)
    page.get_by_label("Naam", exact=True).fill("Marjolein de Vries")
    page.get_by_label("E-mailadres").fill("marjolein@rotterdam.nl")
    page.get_by_label("Organisatie").fill("Gemeente Rotterdam")
    page.get_by_label("Aandachtsfunctionaris maatschappelijk ongenoegen (gemeente)").check()
    page.get_by_role("group", name="Hoe neemt u deel?").get_by_label("Op locatie").check()
    page.get_by_role("group", name="Neemt u deel aan de netwerkborrel?").get_by_label("Nee").check()
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    page.get_by_role("button", name="Aanmelden").click()
    # no workshop chosen: the summary says so and leads to the round
    expect(page.get_by_role("alert")).to_contain_text("Workshopronde 15:30: Kies een workshop.")
    page.get_by_role("link", name="Workshopronde 15:30: Kies een workshop.").click()
    expect(page.locator("#veld-round_7")).to_be_focused()
    expect(page.get_by_label("Naam", exact=True)).to_have_value("Marjolein de Vries")
    assert_accessible(page)
    page.get_by_role("group", name="Workshopronde 15:30").get_by_label("Online aangejaagde ordeverstoring").check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Bijna klaar: kijk in uw e-mail.")
    page.goto("/outbox")
    page.get_by_role("article").filter(has_text="marjolein@rotterdam.nl").first.get_by_role("link", name="/r/").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw aanmelding")

    workshops = page.get_by_role("group", name="Workshopronde 15:30: Verdieping in drie workshops")
    expect(workshops.get_by_label("Online aangejaagde ordeverstoring")).to_be_checked()
    workshops.get_by_label("Opleidingsaanbod").check()
    page.get_by_role("button", name="Workshopkeuze opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Uw workshopkeuze is opgeslagen.")
    expect(
        page.get_by_role("group", name="Workshopronde 15:30: Verdieping in drie workshops").get_by_label(
            "Opleidingsaanbod"
        )
    ).to_be_checked()
    assert_accessible(page)
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_only_and_english(page: Page):
    page.goto(DEMO)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Programme")).to_be_visible()
    assert page.url.endswith(DEMO)
    assert_accessible(page)
    page.goto("/")
    assert_accessible(page)
    page.goto("/events?when=past")
    assert_accessible(page)
    page.goto("/events/bestaat-niet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert_accessible(page)
    page.goto("/nieuws")
    assert_accessible(page)
    page.get_by_role("link", name="Accessibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page)


def test_a_failed_submit_by_keyboard_lands_on_the_error_summary(page: Page):
    """Keyboard only: the registration form sent empty comes back with the focus on the summary of
    its errors, whose links lead to the fields, the other input kept."""
    page.goto(DEMO)
    page.get_by_label("Organisatie").focus()
    page.keyboard.type("Gemeente Dordrecht")
    page.keyboard.press("Enter")
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Er is een probleem")
    expect(page.get_by_label("Organisatie")).to_have_value("Gemeente Dordrecht")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Naam", exact=True)).to_be_focused()
    assert_accessible(page)


def request_account(page: Page, name: str, address: str, organisation: str, check_page: bool = False) -> None:
    page.goto("/account/aanvragen")
    if check_page:
        assert_accessible(page)
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_label("Organisatie").fill(organisation)
    page.get_by_label("Functie").fill("Adviseur")
    page.get_by_label("Waarom wilt u een account?").fill("Kennis delen over radicalisering.")
    page.get_by_label("Ik wil de nieuwsbrief ontvangen").check()
    page.get_by_role("button", name="Account aanvragen").click()


def test_request_an_account_verify_it_and_sign_in(page: Page, portal: LivePortal):
    address = "joppe@politie.nl"  # a trusted domain: approved once verified
    request_account(page, "Joppe van der Bruggen", address, "Politie eenheid Rotterdam", check_page=True)
    expect(page.get_by_role("status")).to_contain_text("We hebben een e-mail gestuurd")
    assert_accessible(page)

    open_mailed_link(page, address, "Bevestig uw e-mailadres")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mailadres bevestigen")
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("status")).to_contain_text("uw account is actief")
    assert_accessible(page)

    page.get_by_role("link", name="Log nu in").click()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_role("button", name="Stuur mij een inloglink").click()
    expect(page.get_by_role("status")).to_contain_text("hebben we er een inloglink naartoe gestuurd")
    assert_accessible(page)

    open_mailed_link(page, address, "Uw link om in te loggen")
    assert_accessible(page)
    page.get_by_role("button", name="Inloggen").click()
    # a member who came from no page in particular lands in the library, told they are signed in
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennisbank")
    expect(page.get_by_role("status").first).to_contain_text(f"U bent ingelogd als {address}")
    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    expect(page.get_by_text(address)).to_be_visible()
    assert_accessible(page)
    # the private calendar link: a calendar app fetches it without the session; a new one ends it
    feed = page.get_by_label("Uw persoonlijke agenda-link").input_value()
    assert page.request.get(feed).headers["content-type"] == "text/calendar; charset=utf-8"
    page.get_by_role("button", name="Nieuwe agenda-link maken").click()
    expect(page.get_by_role("status")).to_contain_text("Uw agenda-link is vernieuwd.")
    assert page.get_by_label("Uw persoonlijke agenda-link").input_value() != feed
    assert page.request.get(feed).status == 404
    assert_accessible(page)

    # follow two themes; the next morning's digest names the demo meeting (published today, in
    # every theme), and one click on a theme's link in it stops that theme only
    page.get_by_label("radicalisering", exact=True).check()
    page.get_by_label("extremisme", exact=True).check()
    page.get_by_role("button", name="Thema's opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("U volgt nu: radicalisering, extremisme.")
    assert_accessible(page)
    portal.manage("send-digest", "--day", datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat())
    open_mailed_link(page, address, "Nieuw in de thema's die u volgt", link="extremisme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thema's niet meer volgen")
    assert_accessible(page)
    page.get_by_role("button", name="Niet meer volgen").click()
    expect(page.get_by_role("status")).to_contain_text("U volgt dit thema niet meer: extremisme.")
    page.get_by_role("link", name="Kies uw thema's op Mijn account").click()
    expect(page.get_by_label("radicalisering", exact=True)).to_be_checked()
    expect(page.get_by_label("extremisme", exact=True)).not_to_be_checked()

    # the registration form is filled in for a signed-in member
    page.goto(DEMO)
    expect(page.get_by_label("E-mailadres")).to_have_value(address)

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("link", name="Inloggen")).to_be_visible()


def invite_speaker(portal: LivePortal, slot: int, name: str, organisation: str, email: str) -> str:
    """Invite a speaker for a slot of the demo event as an organiser does from the command line; the
    speaker's link, as the command prints it."""
    printed = portal.manage(
        "invite-speaker",
        "--event",
        "netwerkbijeenkomst-zwijndrecht",
        "--slot",
        str(slot),
        "--name",
        name,
        "--organisation",
        organisation,
        "--email",
        email,
    )
    return printed.split(": ", 1)[1].strip()


def test_speaker_uploads_organiser_publishes_member_downloads(browser: Browser, portal: LivePortal, tmp_path: Path):
    slides = tmp_path / "Polarisatie in de wijk.pdf"
    slides.write_bytes(pdf("Polarisatie in de wijk"))
    link = invite_speaker(portal, 4, "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    portal.manage("create-organiser", "--email", "organisator@zwijndrecht.nl")

    def person() -> Page:
        context = browser.new_context(base_url=portal.url, locale="nl-NL", accept_downloads=True)
        return context.new_page()

    speaker = person()
    speaker.goto(link)
    expect(speaker.get_by_role("heading", level=1)).to_contain_text("Uw dia's voor")
    assert_accessible(speaker)
    # one step: the file, whatever its type (the portal reads it from the content)
    speaker.get_by_label("Bestand", exact=True).set_input_files(str(slides))
    speaker.get_by_role("button", name="Versturen").click()  # upload.js: straight to S3, with progress
    expect(speaker.get_by_role("status")).to_contain_text("Uw bestand is opgeslagen.")
    expect(speaker.get_by_role("cell", name="Polarisatie-in-de-wijk.pdf (1 kB)")).to_be_visible()
    assert_accessible(speaker)

    organiser = person()
    sign_in(organiser, "organisator@zwijndrecht.nl")
    organiser.goto("/beheer/materialen")
    assert_accessible(organiser)
    # the row of these slides (other tests share the portal, and may have slides of their own here)
    organiser.get_by_role("button", name=re.compile(r"^Publiceren\s*:\s*Leernetwerk Polarisatie")).click()
    expect(
        organiser.get_by_role("button", name=re.compile(r"^Intrekken\s*:\s*Leernetwerk Polarisatie"))
    ).to_be_visible()

    # news: written in the workspace, read on the public pages
    organiser.goto("/beheer/nieuws")
    assert_accessible(organiser)
    organiser.get_by_label("Titel").fill("Dia's van de netwerkbijeenkomst staan klaar")
    organiser.get_by_label("Tekst").fill("Bekijk de **presentaties** in de kennisbank.")
    organiser.get_by_role("button", name="Opslaan").click()
    organiser.get_by_role("link", name="Dia's van de netwerkbijeenkomst staan klaar", exact=True).click()
    expect(organiser.locator(".article-body strong")).to_have_text("presentaties")
    assert_accessible(organiser)

    member = person()
    request_account(member, "Elsje van Dijk", "elsje.lid@nctv.nl", "NCTV")
    open_mailed_link(member, "elsje.lid@nctv.nl", "Bevestig uw e-mailadres")
    member.get_by_role("button", name="Bevestigen").click()
    sign_in(member, "elsje.lid@nctv.nl")
    member.goto("/kennisbank")
    assert_accessible(member)
    with member.expect_download() as download:
        member.get_by_role("link", name="Leernetwerk Polarisatie").click()
    assert download.value.suggested_filename == "Polarisatie-in-de-wijk.pdf"
    assert Path(download.value.path()).read_bytes() == slides.read_bytes()


def test_without_javascript_the_form_posts_to_s3_and_s3_returns_the_speaker(
    browser: Browser, portal: LivePortal, tmp_path: Path
):
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(pdf("Geen script hier"))
    link = invite_speaker(portal, 5, "Elsje van Dijk", "NCTV", "elsje.van.dijk@nctv.nl")
    page = browser.new_context(base_url=portal.url, locale="nl-NL", java_script_enabled=False).new_page()
    page.goto(link)
    page.get_by_label("Bestand", exact=True).set_input_files(str(slides))
    page.get_by_role("button", name="Versturen").click()  # a plain POST to S3, which redirects back
    expect(page.get_by_role("status")).to_contain_text("Uw bestand is opgeslagen.")
    expect(page.get_by_role("cell", name="Landelijke-aanpak-Radicalisering.pdf (1 kB)")).to_be_visible()


def test_organiser_creates_and_publishes_an_event_a_visitor_registers_and_is_checked_in(
    browser: Browser, portal: LivePortal
):
    portal.manage("create-organiser", "--email", "planner.deur@zwijndrecht.nl")
    # the organiser works on a phone: check-in happens at the door
    organiser = browser.new_context(
        base_url=portal.url,
        locale="nl-NL",
        viewport={"width": 390, "height": 844},
        has_touch=True,
        accept_downloads=True,
    ).new_page()
    sign_in(organiser, "planner.deur@zwijndrecht.nl")
    # an organiser lands in the workspace, told who is signed in
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Beheer")
    expect(organiser.get_by_role("status").first).to_contain_text("U bent ingelogd als planner.deur@zwijndrecht.nl")
    # on a phone the menu is behind a button
    organiser.get_by_text("Menu", exact=True).click()
    organiser.get_by_role("link", name="Beheer").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Beheer")
    assert_accessible(organiser)

    organiser.get_by_role("link", name="Nieuwe bijeenkomst").click()
    assert_accessible(organiser)
    organiser.get_by_label("Titel").fill("Leernetwerk Online ordeverstoring")
    organiser.get_by_label("Datum").fill("2027-10-07")
    organiser.get_by_label("Begintijd").fill("13:00")
    organiser.get_by_label("Eindtijd").fill("16:00")
    organiser.get_by_label("Locatie", exact=True).fill("Stadskantoor Dordrecht")
    organiser.get_by_label("Plaatsen op locatie").fill("25")
    organiser.get_by_label("online aangejaagde ordeverstoring").check()
    organiser.get_by_role("button", name="Opslaan als concept").click()

    expect(organiser.get_by_role("heading", level=1)).to_have_text("Programma: Leernetwerk Online ordeverstoring")
    assert_accessible(organiser)
    for start, end, title, speakers in [
        ("13:00", "13:15", "Welkom", "Burgemeester Haan (Gemeente Zwijndrecht)"),
        ("13:15", "14:00", "Online aangejaagde onrust", "Elsje van Dijk (NCTV)"),
        ("14:00", "14:30", "Meldingsstructuur", "Marjolein (gemeente Rotterdam)"),
    ]:
        organiser.get_by_label("Begintijd").fill(start)
        organiser.get_by_label("Eindtijd").fill(end)
        organiser.get_by_label("Onderdeel", exact=True).fill(title)
        organiser.get_by_label("Sprekers (optioneel)", exact=True).fill(speakers)
        organiser.get_by_role("button", name="Toevoegen").click()
        expect(organiser.get_by_role("cell", name=title, exact=True)).to_be_visible()
    # an overlap is refused, next to the field, with the input kept
    organiser.get_by_label("Begintijd").fill("14:15")
    organiser.get_by_label("Eindtijd").fill("14:45")
    organiser.get_by_label("Onderdeel", exact=True).fill("Botsing")
    organiser.get_by_role("button", name="Toevoegen").click()
    expect(organiser.get_by_role("alert")).to_contain_text("Dit onderdeel overlapt met 14:00–14:30 Meldingsstructuur.")
    expect(organiser.get_by_label("Onderdeel", exact=True)).to_have_value("Botsing")
    assert_accessible(organiser)

    organiser.get_by_role("link", name="Gegevens").click()
    assert_accessible(organiser)
    organiser.get_by_role("button", name="Opslaan en publiceren").click()
    expect(organiser.get_by_role("heading", name="Status: Gepubliceerd")).to_be_visible()

    visitor = browser.new_context(base_url=portal.url, locale="nl-NL", accept_downloads=True).new_page()
    visitor.goto("/events")
    visitor.get_by_role("link", name="Leernetwerk Online ordeverstoring").click()
    expect(visitor.get_by_text("Online aangejaagde onrust")).to_be_visible()
    visitor.get_by_label("Naam").fill("Dave van den Berg")
    visitor.get_by_label("E-mailadres").fill("dave@dordrecht.nl")
    visitor.get_by_label("Organisatie").fill("Gemeente Dordrecht")
    visitor.get_by_label("Functie").fill("Beleidsadviseur OOV")
    visitor.get_by_label("Ik heb de privacyverklaring gelezen").check()
    visitor.get_by_role("button", name="Aanmelden").click()
    expect(visitor.get_by_role("status")).to_contain_text("Bijna klaar: kijk in uw e-mail.")

    # the confirmation mail shows the QR code (the outbox inlines it)
    visitor.goto("/outbox")
    mail = visitor.get_by_role("article").filter(has_text="dave@dordrecht.nl").first
    expect(mail.get_by_role("img", name="QR-code van uw persoonlijke link")).to_be_visible()

    organiser.get_by_role("link", name="Inchecken").click()
    assert_accessible(organiser)
    # the meeting lies ahead: check-in opens on its day, or now once the organiser confirms
    organiser.get_by_role("link", name="Begint de bijeenkomst eerder? Open het inchecken nu").click()
    assert_accessible(organiser)
    organiser.get_by_role("button", name="Ja, open het inchecken nu").click()
    organiser.get_by_label("Naam", exact=True).fill("dave")
    organiser.get_by_role("button", name="Zoeken").click()
    organiser.get_by_role("button", name="Dave van den Berg").click()  # "Aanwezig", named for screen readers
    expect(organiser.get_by_role("status")).to_contain_text("Dave van den Berg is aanwezig gemeld.")
    expect(organiser.get_by_text("1 van de 1 bevestigde deelnemers is aanwezig.")).to_be_visible()
    assert_accessible(organiser)

    organiser.get_by_role("link", name="Aanmeldingen").click()
    organiser.get_by_label("Status").select_option("attended")
    organiser.get_by_role("button", name="Filteren").click()
    expect(organiser.get_by_role("cell", name="Aanwezig", exact=True)).to_be_visible()
    assert_accessible(organiser)

    # every other workspace page, as the organiser sees it now
    slug = "/beheer/bijeenkomsten/leernetwerk-online-ordeverstoring"
    for path in (
        "/beheer/bijeenkomsten",
        f"{slug}/programma/1",
        f"{slug}/sprekers",
        f"{slug}/overzicht",
        f"{slug}/presentielijst",
        f"{slug}/bericht",
        "/beheer/accounts",
        "/beheer/domeinen",
        "/beheer/nieuwsbrief",
        "/beheer/materialen",
        "/beheer/documenten/nieuw",
        "/beheer/nieuws",
        "/beheer/onbereikbaar",
        "/beheer/logboek",  # last: the check below reads its entries
    ):
        organiser.goto(path)
        expect(organiser.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(organiser)
    expect(organiser.get_by_role("cell", name="registration.attended")).to_be_visible()

    # a message to the attendees goes out as a job: its page follows it until it is done, the mail is in the outbox
    organiser.goto(f"{slug}/bericht")
    organiser.get_by_label("Onderwerp").fill("Parkeren bij het gemeentehuis")
    organiser.get_by_label("Bericht").fill("Parkeer bij het station.")
    organiser.get_by_role("button", name="Versturen").click()
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Bericht aan deelnemers")
    expect(organiser.locator("#verzending-status")).to_have_text("Klaar", timeout=30_000)  # without a reload
    assert_accessible(organiser)
    organiser.goto("/beheer/verzendingen")
    message_row = organiser.get_by_role("row").filter(has_text="Bericht aan deelnemers")
    expect(message_row.get_by_role("cell", name="Klaar")).to_be_visible()
    assert_accessible(organiser)
    organiser.goto("/outbox")
    expect(organiser.get_by_text("Parkeren bij het gemeentehuis").first).to_be_visible()

    # the export is made in the background: its page shows the link once the worker is done, the file comes from S3
    organiser.goto(f"{slug}/aanmeldingen")
    organiser.get_by_role("button", name="Alle aanmeldingen exporteren (CSV)").click()
    link = organiser.get_by_role("link", name="Bestand downloaden (CSV)")
    expect(link).to_be_visible(timeout=30_000)  # without a reload
    assert_accessible(organiser)
    with organiser.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"aanmeldingen-{slug.rsplit('/', 1)[1]}.csv"
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Opmerkingen"]
    assert len(rows) == 2  # the one visitor who registered

    # the evaluation, opened by hand (the scheduled job opens yesterday's): the checked-in visitor gets the mail
    portal.manage("send-evaluations", "--slug", slug.rsplit("/", 1)[1])
    open_mailed_link(visitor, "dave@dordrecht.nl", "Wat vond u van Leernetwerk Online ordeverstoring?")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Wat vond u van de bijeenkomst?")
    assert_accessible(visitor)
    visitor.get_by_role("button", name="Beoordeling versturen").click()  # the meeting's rating is required
    expect(visitor.get_by_role("alert")).to_contain_text("De bijeenkomst als geheel: Kies een cijfer van 1 tot 5.")
    assert_accessible(visitor)
    visitor.get_by_role("group", name="De bijeenkomst als geheel").get_by_label("4 goed").check()
    visitor.get_by_role("group", name="Online aangejaagde onrust").get_by_label("5 uitstekend").check()
    visitor.get_by_label("Opmerkingen").fill("Meer casussen uit de regio, graag.")
    visitor.get_by_role("button", name="Beoordeling versturen").click()
    expect(visitor.get_by_role("status")).to_contain_text("Dank u wel voor uw beoordeling!")
    assert_accessible(visitor)
    # checked in, but the meeting lies ahead: no certificate of attendance yet
    visitor.get_by_role("link", name="Naar uw aanmelding").click()
    expect(visitor.get_by_role("link", name="Bewijs van deelname (PDF)")).to_have_count(0)
    # the organiser moves it to yesterday: now the personal page offers it, a PDF through chalice local
    organiser.goto(slug)
    yesterday = datetime.fromordinal(datetime.now(ZoneInfo("Europe/Amsterdam")).toordinal() - 1)
    organiser.get_by_label("Datum", exact=True).fill(yesterday.date().isoformat())
    organiser.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(organiser.get_by_role("status")).to_contain_text("De wijzigingen zijn opgeslagen.")
    visitor.reload()
    # fetched through the page's own context as the browser asks for it: headless Chromium cancelled the
    # click's download of this PDF here (cause not found; the .ics downloads above work)
    href = present(visitor.get_by_role("link", name="Bewijs van deelname (PDF)").get_attribute("href"))
    pdf = visitor.request.get(href, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body().startswith(b"%PDF-")

    organiser.goto(f"{slug}/evaluatie")
    expect(organiser.get_by_text("1 antwoord", exact=True)).to_be_visible()
    organiser.get_by_role("link", name="Evaluatie nu sluiten").click()  # asked once more
    assert_accessible(organiser)
    organiser.get_by_role("button", name="Ja, sluit de evaluatie").click()  # results show once nobody can answer
    expect(organiser.get_by_role("img", name="Verdeling van de cijfers: Online aangejaagde onrust")).to_be_visible()
    expect(organiser.get_by_text("Meer casussen uit de regio, graag.")).to_be_visible()
    assert organiser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the charts fit a phone
    assert_accessible(organiser)

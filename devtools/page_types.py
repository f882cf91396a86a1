"""Every page type of the portal, opened by the person who sees it, in a portal like `make run`'s.

Shared by the phone and reflow tests (tests/web/test_phones.py) and `make screenshots`, so that both
look at the same pages: the public pages (signed out and signed in), an attendee's own page, a
speaker's upload page and the step that asks before removing a file, the organisers' workspace on
the demo meeting (its confirmation steps too) and a working group's document pages, every list filled
with long realistic data (devtools/long_data.py). The network has a logo, uploaded as its organisers
do, so every page's header shows one beside the network's name.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page

from chalicelib.core.keys import email_key
from devtools.documents import pdf

DEMO = "netwerkbijeenkomst-zwijndrecht"
LOGO = Path(__file__).resolve().parent.parent / "demo" / "haaglanden" / "logo.png"  # the demo's, a square
ORGANISER = "planner@zwijndrecht.nl"

PUBLIC = {
    "home": "/",
    "events": "/events",
    "event": f"/events/{DEMO}",
    "news": "/nieuws",
    "library": "/kennisbank",
    "sign-in": "/inloggen",
    "account-request": "/account/aanvragen",
    "privacy": "/privacy",
    "accessibility": "/toegankelijkheid",
    "not-found": "/events/bestaat-niet",
}
WORKSPACE = {
    "workspace": "/beheer",
    "workspace-events": "/beheer/bijeenkomsten",
    "event-new": "/beheer/bijeenkomsten/nieuw",
    "event-edit": f"/beheer/bijeenkomsten/{DEMO}",
    "event-cancel": f"/beheer/bijeenkomsten/{DEMO}/status/annuleren",
    "event-change-notice": f"/beheer/bijeenkomsten/{DEMO}/wijziging-mailen?over=time,place,link",
    "programme": f"/beheer/bijeenkomsten/{DEMO}/programma",
    "questions": f"/beheer/bijeenkomsten/{DEMO}/vragen",
    "question": f"/beheer/bijeenkomsten/{DEMO}/vragen/2",
    "slot": f"/beheer/bijeenkomsten/{DEMO}/programma/1",
    "registrations": f"/beheer/bijeenkomsten/{DEMO}/aanmeldingen",
    "check-in": f"/beheer/bijeenkomsten/{DEMO}/inchecken",
    "check-in-workshop": f"/beheer/bijeenkomsten/{DEMO}/inchecken?workshop=7-2",
    "check-in-open-early": f"/beheer/bijeenkomsten/{DEMO}/inchecken/openen",  # the meeting lies ahead
    "attendance-list": f"/beheer/bijeenkomsten/{DEMO}/presentielijst",
    "overview": f"/beheer/bijeenkomsten/{DEMO}/overzicht",
    "evaluation-results": f"/beheer/bijeenkomsten/{DEMO}/evaluatie",
    "evaluation-close": f"/beheer/bijeenkomsten/{DEMO}/evaluatie/sluiten",  # opened, not yet closed
    "message": f"/beheer/bijeenkomsten/{DEMO}/bericht",
    "speakers": f"/beheer/bijeenkomsten/{DEMO}/sprekers",
    "materials": "/beheer/materialen",
    "document-new": "/beheer/documenten/nieuw",
    "accounts": "/beheer/accounts",
    "domains": "/beheer/domeinen",
    "audit-log": "/beheer/logboek",
    "network-settings": "/beheer/netwerk",
    "news-workspace": "/beheer/nieuws",
    "newsletter": "/beheer/nieuwsbrief",
    "mail-jobs": "/beheer/verzendingen",
    "suppressions": "/beheer/onbereikbaar",
    "own-account": "/account",
    "groups": "/groepen",
    "group": "/groepen/drivergroep",
    "group-meeting-new": "/groepen/drivergroep/bijeenkomst",
    "group-member-remove": f"/groepen/drivergroep/leden/{email_key('ahmed.elamrani@politie.nl')}/verwijderen",
    "group-meeting": "/events/drivergroep-voorbereiding-netwerkbijeenkomst",
    "groups-workspace": "/beheer/werkgroepen",
    "group-edit": "/beheer/werkgroepen/drivergroep",
}


def open_mailed_link(page: Page, to: str, subject: str, link: str = "") -> None:
    """Open the local outbox and follow the first link (or the one named `link`) in the newest mail to
    `to` with `subject`. Some mail (a sign-in link) comes from a worker a moment later: look again, as
    a person checks their inbox."""
    for _ in range(60):
        page.goto("/outbox")
        mail = page.get_by_role("article").filter(has_text=to).filter(has_text=subject).first
        if mail.count():
            break
        page.wait_for_timeout(250)
    links = mail.locator(".mail-body").get_by_role("link", name=link, exact=True) if link else None
    (links or mail.locator(".mail-body a")).first.click()


def sign_in(page: Page, address: str) -> None:
    """Sign in as a person does: ask for a link, take it from the outbox, press the button."""
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_role("button", name="Stuur mij een inloglink").click()
    open_mailed_link(page, address, "Uw link om in te loggen")
    page.get_by_role("button", name="Inloggen").click()


def put_file_ready(page: Page, speaker_page: str) -> str:
    """Upload slides as a speaker does; the path of the step that asks before removing them."""
    with tempfile.TemporaryDirectory() as folder:
        slides = Path(folder) / "Polarisatie in de wijk.pdf"
        slides.write_bytes(pdf("Polarisatie in de wijk"))
        page.goto(speaker_page)
        page.get_by_label("Bestand", exact=True).set_input_files(str(slides))
        page.get_by_role("button", name="Versturen").click()
        page.get_by_role("status").filter(has_text="Uw bestand is opgeslagen.").wait_for()
    page.get_by_role("link", name=re.compile(r"^Verwijderen")).first.click()
    return urlsplit(page.url).path


def put_logo(page: Page) -> None:
    """Upload the network's logo as an organiser does, on the network's settings page."""
    page.goto("/beheer/netwerk")
    page.get_by_label("Een logo", exact=True).set_input_files(str(LOGO))
    page.get_by_role("button", name="Logo versturen").click()
    page.get_by_role("status").filter(has_text="Het logo is opgeslagen.").wait_for()


def fill_registration(page: Page, name: str, address: str, organisation: str) -> None:
    """Fill in and send the demo meeting's registration form as a visitor does."""
    page.goto(f"/events/{DEMO}")
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_label("Organisatie").fill(organisation)
    page.get_by_label("Aandachtsfunctionaris maatschappelijk ongenoegen (gemeente)").check()
    page.get_by_role("group", name="Hoe neemt u deel?").get_by_label("Op locatie").check()
    page.get_by_role("group", name="Workshopronde 15:30").get_by_label("Opleidingsaanbod").check()
    page.get_by_role("group", name="Neemt u deel aan de netwerkborrel?").get_by_label("Ja").check()
    page.locator("#veld-consent").check()
    page.get_by_role("button", name="Aanmelden").click()


def register(page: Page, name: str, address: str, organisation: str) -> str:
    """Register for the demo meeting as a visitor does; the path of the personal page that the mailed link
    leads to (the answer to the form carries no link)."""
    fill_registration(page, name, address, organisation)
    page.get_by_text("Bijna klaar: kijk in uw e-mail.").wait_for()
    page.goto("/outbox")  # the confirmation went during the request
    page.get_by_role("article").filter(has_text=address).first.get_by_role("link", name="/r/").click()
    return urlsplit(page.url).path


def group_document_pages(organiser: Page, manage: Callable[..., str]) -> list[tuple[str, Page, str]]:
    """A working group's document as the command line adds a draft, and the page that starts a new
    one (with the group's list of documents): the organiser sees every group and publishes its drafts."""
    manage("create-group", "--name", "handreiking", "--title", "Werkgroep handreiking polarisatie")
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "Concept handreiking.pdf"
        draft.write_bytes(pdf("Handreiking polarisatie in de wijk"))
        added = manage(
            *("add-group-document", "--group", "handreiking", "--path", str(draft)),
            *("--title", "Handreiking polarisatie in de wijk: signalen herkennen en samenwerken", "--email", ORGANISER),
        )
    document = added.strip().rsplit(" ", 1)[1]
    return [
        ("group-document-new", organiser, "/groepen/handreiking/documenten/nieuw"),
        ("group-document", organiser, document),
    ]


@contextmanager
def page_types(
    browser: Browser, url: str, manage: Callable[..., str], env: dict[str, str]
) -> Iterator[list[tuple[str, Page, str]]]:
    """(name, page, path) for every page type; `manage` runs manage.py against the portal, whose
    environment is `env`."""
    contexts = []

    def person() -> Page:
        context = browser.new_context(base_url=url, locale="nl-NL")
        contexts.append(context)
        return context.new_page()

    try:
        visitor = person()
        visits = [(name, visitor, path) for name, path in PUBLIC.items()]

        own = register(visitor, "Dave van den Berg", "dave.vandenberg@zwijndrecht.nl", "Gemeente Zwijndrecht")
        visits += [("registration", visitor, own), ("registration-cancel", visitor, f"{own}/annuleren")]

        # the evaluation, opened by hand (the demo meeting lies ahead), and one answer for the results
        manage("send-evaluations", "--slug", DEMO)
        visits.append(("evaluation", visitor, f"{own}/evaluatie"))
        other = person()
        other.goto(register(other, "Elsje van Dijk", "elsje@nctv.nl", "NCTV") + "/evaluatie")
        other.locator("#veld-meeting-4").check()
        other.get_by_label("Opmerkingen").fill("Graag een volgende keer meer tijd voor vragen.")
        other.get_by_role("button", name="Beoordeling versturen").click()

        invited = manage(
            "invite-speaker",
            *("--event", DEMO, "--slot", "4", "--name", "Annemarie van Hinsberg"),
            *("--organisation", "Movisie", "--email", "annemarie@movisie.nl"),
        )
        speaker, speaker_page = person(), urlsplit(invited.split(": ", 1)[1].strip()).path
        visits += [
            ("speaker", speaker, speaker_page),
            ("speaker-remove", speaker, put_file_ready(speaker, speaker_page)),
        ]

        manage("create-organiser", "--email", ORGANISER)
        # the demo's working group, with its members and its meeting, as `make run` makes it
        root = Path(__file__).resolve().parent.parent
        subprocess.run([sys.executable, "-m", "devtools.demo_groups"], cwd=root, env=env, check=True)
        organiser = person()
        sign_in(organiser, ORGANISER)
        put_logo(organiser)
        # registered with the account's own address: the account page then lists it, with its link
        fill_registration(organiser, "Planner", ORGANISER, "Gemeente Zwijndrecht")
        organiser.wait_for_url("**/r/**")
        visits += [(name, organiser, path) for name, path in WORKSPACE.items()]
        visits += group_document_pages(organiser, manage)
        visits += [(f"{name}-signed-in", organiser, path) for name, path in PUBLIC.items()]

        # a followed theme's digest (the demo meeting was published today), and its unfollow page
        organiser.goto("/account")
        organiser.get_by_label("polarisatie", exact=True).check()
        organiser.get_by_role("button", name="Thema's opslaan").click()
        manage("send-digest", "--day", datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat())
        follower = person()
        open_mailed_link(follower, ORGANISER, "Nieuw in de thema's die u volgt", link="polarisatie")
        visits.append(("theme-unfollow", follower, urlsplit(follower.url).path))

        # last, so that the mails above are the newest in the outbox when they are looked for
        seed = [sys.executable, "-m", "devtools.long_data", ORGANISER]
        done = subprocess.run(seed, cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"devtools.long_data failed:\n{done.stderr[-3000:]}")
        yield visits
    finally:
        for context in contexts:
            context.close()

"""Certificates of attendance: one for a checked-in attendee on their page, all of a meeting's as one PDF."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from chalicelib.accounts.model import Account
from chalicelib.core import clock
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, on_the_day, sign_in
from tests.support.aws import deliver_exports
from tests.support.factories import MEETING_DAY, MEETING_OVER, registration_form
from tests.support.web import download_export

SLUG = "netwerkbijeenkomst-test"


def check_in(reg) -> None:
    organiser = Account(email="org@zwijndrecht.nl", name="Org", organisation="", job="", created_at=clock.now())
    moves.by_organiser(organiser, SLUG, reg.key, "aanwezig")


def checked_in_and_over(now, *regs) -> None:
    """Checked in on the meeting's day; then the meeting ends."""
    now["value"] = MEETING_DAY
    for reg in regs:
        check_in(reg)
    now["value"] = MEETING_OVER


def certificate(client, token: str):
    """As a browser follows the link: it accepts anything (Chalice sends a binary body only then)."""
    return client.http.get(f"/r/{token}/certificaat", headers={"accept": "text/html,*/*;q=0.8"})


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_checked_in_attendee_downloads_their_certificate(make_event, visitor, client, now):
    make_event()
    reg = registration.register(SLUG, registration_form(name="Leonora Buis-Meulmeester"), "nl").registration
    now["value"] = MEETING_OVER
    refused = visitor.get(f"/r/{reg.token}/certificaat")
    assert refused.status_code == 409
    assert "Een bewijs van deelname is er voor wie bij de bijeenkomst is ingecheckt." in refused.body.decode()
    assert "/certificaat" not in visitor.get(f"/r/{reg.token}").body.decode()
    checked_in_and_over(now, reg)
    assert f'href="/r/{reg.token}/certificaat"' in visitor.get(f"/r/{reg.token}").body.decode()
    response = certificate(client, reg.token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bewijs-van-deelname.pdf"'
    [text] = pages(response.body)
    for line in (
        "Bewijs van deelname",
        "Leonora Buis-Meulmeester",
        "Netwerkbijeenkomst Maatschappelijk ongenoegen",
        "donderdag 18 maart 2027, 13:15–17:00 (3 uur en 45 minuten)",
        "Raadzaal, Gemeentehuis Zwijndrecht, Raadhuisplein 1, Zwijndrecht",
        "Georganiseerd door het Regionaal netwerk maatschappelijk ongenoegen.",
    ):
        assert line in text
    assert visitor.get("/r/bestaat-niet/certificaat").status_code == 404


def test_the_certificate_speaks_the_attendees_language_and_keeps_their_letters(make_event, client, now):
    make_event()
    reg = registration.register(SLUG, registration_form(name="Zoë Çelik-Doğan"), "en").registration
    checked_in_and_over(now, reg)
    [text] = pages(certificate(client, reg.token).body)
    assert "Certificate of attendance" in text
    assert "Thursday 18 March 2027, 13:15–17:00 (3 hours and 45 minutes)" in text
    assert "Zoë Çelik-Dogan" in text  # ğ is not in the PDF font's encoding: written without its accent


def test_organisers_get_everyone_checked_in_as_one_pdf(make_event, organiser, now):
    make_event(capacity=5)
    regs = [
        registration.register(SLUG, registration_form(name=n), "nl").registration
        for n in ("Carla Smit", "anna Jansen", "Bram de Wit")
    ]
    checked_in_and_over(now, regs[0], regs[1])
    sign_in(organiser, "org@zwijndrecht.nl")  # a session lasts a working day
    checkin = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/inchecken").body.decode()
    assert f'action="/beheer/bijeenkomsten/{SLUG}/certificaten"' in checkin
    response = download_export(organiser, f"/beheer/bijeenkomsten/{SLUG}/certificaten", "pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    found = pages(response.content)
    assert len(found) == 2  # not the one who did not come
    assert "anna Jansen" in found[0]  # by name, whatever the case
    assert "Carla Smit" in found[1]
    # its page says what it holds
    started = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/certificaten", {})
    deliver_exports()
    page = organiser.get(started.headers["Location"]).body.decode()
    assert "Bewijzen van deelname: Netwerkbijeenkomst" in page
    assert "Het bestand is klaar: 2 pagina's." in page
    assert "Bestand downloaden (PDF)" in page


def test_a_pdf_is_only_for_certificates(make_event, organiser):
    make_event()
    response = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/export", {"formaat": "pdf"})
    assert response.status_code == 400


def test_no_certificate_before_the_meeting_has_ended(make_event, organiser, visitor, client, now):
    """Checked in at the door, the attendee gets their certificate once the meeting is over, not during it;
    the organisers' PDF of them all waits as long."""
    make_event()
    reg = registration.register(SLUG, registration_form(name="Anna Jansen"), "nl").registration
    now["value"] = MEETING_DAY
    check_in(reg)
    on_the_day(now, organiser, MEETING_OVER - timedelta(minutes=1))
    refused = visitor.get(f"/r/{reg.token}/certificaat")
    assert refused.status_code == 409
    assert "Een bewijs van deelname is er na afloop van de bijeenkomst." in refused.body.decode()
    personal = visitor.get(f"/r/{reg.token}").body.decode()
    assert "/certificaat" not in personal
    assert "Na afloop van de bijeenkomst vindt u hier uw bewijs van deelname (PDF)." in personal
    early = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/certificaten", {})
    assert early.status_code == 409
    assert "na afloop van de bijeenkomst" in early.body.decode()
    checkin = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/inchecken").body.decode()
    assert f'action="/beheer/bijeenkomsten/{SLUG}/certificaten"' not in checkin
    assert "Na afloop van de bijeenkomst (donderdag 18 maart 2027, 17:00 uur)" in checkin
    # the negative control: the same requests once it is over
    now["value"] = MEETING_OVER
    assert certificate(client, reg.token).status_code == 200
    assert f'href="/r/{reg.token}/certificaat"' in visitor.get(f"/r/{reg.token}").body.decode()
    assert organiser.post(f"/beheer/bijeenkomsten/{SLUG}/certificaten", {}).status_code == 303


def test_a_members_account_links_the_certificate_once_they_attended_a_meeting_that_is_over(make_event, visitor, now):
    """/account lists each registration's personal page, and its certificate where the personal page offers it."""
    make_event()
    make_account("lid@zwijndrecht.nl")
    reg = registration.register(SLUG, registration_form(email="lid@zwijndrecht.nl"), "nl").registration
    link = f'href="/r/{reg.token}/certificaat"'

    def account_page(moment) -> str:
        now["value"] = moment  # a session lasts a working day: signed in again at each moment
        return sign_in(visitor, "lid@zwijndrecht.nl").get("/account").body.decode()

    over_unattended = account_page(MEETING_OVER)
    assert f'href="/r/{reg.token}"' in over_unattended
    assert link not in over_unattended  # over, but never checked in
    now["value"] = MEETING_DAY
    check_in(reg)
    assert link not in account_page(MEETING_OVER - timedelta(minutes=1))  # checked in, not over yet
    # the negative control: the same page once the meeting is over
    listed = account_page(MEETING_OVER + timedelta(minutes=1))
    assert link in listed
    assert "Bewijs van deelname (PDF)" in listed
    assert certificate(visitor.client, reg.token).status_code == 200

"""A saved change of date, time, place or meeting link offers the organiser to mail the attendees it
concerns: a preview and a count first, then one mail job; each of them gets exactly one mail."""

from __future__ import annotations

import email
from collections import Counter

from chalicelib.events.store import event_store
from chalicelib.events.workspace import MeetingChange
from chalicelib.mail import jobs
from chalicelib.registrations import service as registration
from tests.support.aws import deliver_mail, sent_mail
from tests.support.events import event_form, version
from tests.support.factories import build_event, registration_form, store_event
from tests.support.stored import present

SLUG = "netwerkbijeenkomst-test"
PAGE = f"/beheer/bijeenkomsten/{SLUG}"
NOTICE = f"{PAGE}/wijziging-mailen"
LINK = "https://meet.jit.si/netwerkbijeenkomst-test-geheim"
NEW_LINK = "https://meet.jit.si/netwerkbijeenkomst-test-nieuw"


def hybrid_with_people() -> dict[str, list[str]]:
    """On location (2 seats) and online (2 seats), each full with one more waiting: addresses by standing."""
    store_event(build_event(capacity=2, online_capacity=2, online_link=LINK))
    people: dict[str, list[str]] = {}
    for attendance in ("location", "location", "location", "online", "online", "online"):
        reg = registration.register(SLUG, registration_form(attendance=attendance), "nl").registration
        people.setdefault(f"{attendance}-{reg.status}", []).append(reg.email)
    return people


def the_form(**changes: str) -> dict[str, str]:
    """The event form as the organiser sees it for the test meeting, with their changes."""
    event = present(event_store().get(SLUG))
    form = event_form(
        title=event.title,
        date=event.date.isoformat(),
        start=event.start,
        end=event.end,
        venue=event.venue,
        room=event.room,
        address=event.address,
        capacity=str(event.capacity),
        online_capacity=str(event.online_capacity),
        online_link=event.online_link,
        registration_deadline="",
        version=version(SLUG),
    )
    return {**form, **changes}


def text_of(mail) -> str:
    """The plain-text part of a sent mail (parsed from bytes: an 8-bit part keeps its UTF-8)."""
    message = email.message_from_bytes(mail.raw.encode())
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return bytes(part.get_payload(decode=True)).decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n")


def notices() -> list:
    return [m for m in sent_mail() if m.subject.startswith("Gewijzigd: ")]


def confirm(organiser, location: str) -> str:
    """Confirm on the preview page the save led to; the mail job's page it leads to."""
    page = organiser.get(location)
    assert page.status_code == 200
    over = location.split("over=")[1]
    response = organiser.post(NOTICE, {"version": version(SLUG), "over": over})
    assert response.status_code == 303, response.body
    return response.headers["Location"]


def test_a_new_time_is_mailed_once_to_everyone_with_a_seat(organiser):
    people = hybrid_with_people()
    response = organiser.post(PAGE, the_form(start="14:00", end="17:30"))
    assert (response.status_code, response.headers["Location"]) == (303, f"{NOTICE}?over=time")

    page = organiser.get(response.headers["Location"]).body.decode()
    assert "Deze e-mail gaat naar 4 deelnemers voor wie de wijziging geldt." in page
    assert "De datum of tijd is veranderd." in page
    assert "14:00–17:30 uur" in page
    assert "U neemt online deel." in page  # a preview for each way
    assert "U neemt deel op locatie." in page
    assert "Mail 4 deelnemers" in page
    assert not notices()  # nothing goes before the organiser confirms

    job_page = confirm(organiser, response.headers["Location"])
    assert job_page.startswith("/beheer/verzendingen/")
    deliver_mail()
    reached = Counter(m.destinations["ToAddresses"][0] for m in notices())
    assert reached == Counter(people["location-confirmed"] + people["online-confirmed"])  # one each
    for mail in notices():
        text = text_of(mail)
        assert "De datum of tijd is veranderd." in text
        assert "14:00–17:30 uur" in text
        online = mail.destinations["ToAddresses"][0] in people["online-confirmed"]
        assert (LINK in text) == online
        assert ("U neemt online deel." if online else "U neemt deel op locatie.") in text
    job = jobs.get(job_page.rsplit("/", 1)[1])
    assert (job.kind, job.total, job.sent, job.topics) == ("event_changed", 4, 4, ("time",))

    # a second click (or a reload of the form) starts nothing more
    again = organiser.post(NOTICE, {"version": version(SLUG), "over": "time"})
    assert again.headers["Location"] == job_page
    deliver_mail()
    assert len(notices()) == 4


def test_a_new_place_reaches_only_who_comes_to_it(organiser):
    people = hybrid_with_people()
    response = organiser.post(PAGE, the_form(room="Trouwzaal"))
    assert response.headers["Location"] == f"{NOTICE}?over=place"
    assert "Deze e-mail gaat naar 2 deelnemers" in organiser.get(response.headers["Location"]).body.decode()
    confirm(organiser, response.headers["Location"])
    deliver_mail()
    assert sorted(m.destinations["ToAddresses"][0] for m in notices()) == sorted(people["location-confirmed"])
    assert all("Trouwzaal, Gemeentehuis Zwijndrecht" in text_of(m) for m in notices())
    assert all("De locatie is veranderd." in text_of(m) for m in notices())


def test_a_link_entered_late_reaches_only_the_online_seats(organiser):
    people = hybrid_with_people()
    response = organiser.post(PAGE, the_form(online_link=NEW_LINK))
    assert response.headers["Location"] == f"{NOTICE}?over=link"
    page = organiser.get(response.headers["Location"]).body.decode()
    assert "Deze e-mail gaat naar 2 deelnemers" in page
    assert NEW_LINK in page
    confirm(organiser, response.headers["Location"])
    deliver_mail()
    assert sorted(m.destinations["ToAddresses"][0] for m in notices()) == sorted(people["online-confirmed"])
    assert all(NEW_LINK in text_of(m) and LINK not in text_of(m) for m in notices())


def test_a_change_that_concerns_nobody_with_a_seat_offers_no_mail(organiser):
    """The negative control: other fields, or a change for a way nobody takes part in, go back to the form."""
    store_event(build_event(capacity=2, online_capacity=2, online_link=LINK))
    registration.register(SLUG, registration_form(attendance="location"), "nl")
    retitled = organiser.post(PAGE, the_form(title="Netwerkmiddag"))
    assert retitled.headers["Location"] == f"{PAGE}?opgeslagen=1"
    new_link = organiser.post(PAGE, the_form(online_link=NEW_LINK))  # nobody follows online
    assert new_link.headers["Location"] == f"{PAGE}?opgeslagen=1"
    moved = organiser.post(PAGE, the_form(date="2027-03-25"))
    assert moved.headers["Location"] == f"{NOTICE}?over=time"
    assert organiser.get(f"{NOTICE}?over=onzin").headers["Location"] == PAGE
    deliver_mail()
    assert not notices()


def test_a_stale_preview_starts_no_job_and_is_shown_again_as_it_is_now(organiser):
    people = hybrid_with_people()
    organiser.post(PAGE, the_form(start="14:00"))
    previewed = version(SLUG)
    organiser.post(PAGE, the_form(start="14:30"))  # changed again after that preview
    response = organiser.post(NOTICE, {"version": previewed, "over": MeetingChange.TIME})
    assert response.status_code == 409
    deliver_mail()
    assert not notices()
    # not a dead end: the same notice, as its mail would be now, with the version to confirm it
    page = response.body.decode()
    assert "De bijeenkomst is opgeslagen na dit voorbeeld." in page
    assert "14:30–17:00 uur" in page
    assert f'name="version" value="{version(SLUG)}"' in page
    assert "Mail 4 deelnemers" in page
    confirm(organiser, f"{NOTICE}?over=time")
    deliver_mail()
    assert Counter(m.destinations["ToAddresses"][0] for m in notices()) == Counter(
        people["location-confirmed"] + people["online-confirmed"]
    )
    assert all("14:30–17:00 uur" in text_of(m) for m in notices())


def test_two_notices_of_one_version_both_go(organiser):
    """A time notice shown again after a save in another tab, and that save's own notice of the place:
    each reaches whom it concerns, and neither is taken for a second click on the other."""
    people = hybrid_with_people()
    organiser.post(PAGE, the_form(start="14:00"))
    organiser.post(PAGE, the_form(room="Trouwzaal"))
    time_job = confirm(organiser, f"{NOTICE}?over=time")
    place_job = confirm(organiser, f"{NOTICE}?over=place")
    assert time_job != place_job
    deliver_mail()
    reached = Counter(m.destinations["ToAddresses"][0] for m in notices())
    # on location: told of the time and of the place; online: of the time only
    assert reached == Counter(people["location-confirmed"] * 2 + people["online-confirmed"])
    # the negative control: the same notice confirmed again starts nothing
    assert confirm(organiser, f"{NOTICE}?over=place") == place_job
    deliver_mail()
    assert len(notices()) == 6

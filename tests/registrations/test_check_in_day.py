"""Check-in opens on the meeting's day (its date in the Netherlands), or earlier once an organiser has
confirmed that the meeting starts early; the personal page says who was checked in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.audit.store import audit_store
from chalicelib.core.config import TIMEZONE
from chalicelib.events.forms import event_values
from chalicelib.events.store import event_store
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import on_the_day
from tests.support.factories import MEETING_DAY, registration_form
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}"
NOT_YET = "Inchecken kan pas op de dag van de bijeenkomst."
OPENS = "Inchecken opent op donderdag 18 maart 2027, de dag van de bijeenkomst."


def register(name: str):
    return registration.register(SLUG, registration_form(name=name), "nl").registration


def attended(reg) -> bool:
    return present(registration_store().get(SLUG, reg.sk)).attended_at is not None


def test_check_in_opens_on_the_meetings_day_as_the_netherlands_reads_it(make_event, organiser, now):
    make_event()
    reg = register("Anna Jansen")
    # weeks before: refused, and the pages say when it opens instead of offering the button
    refused = organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {})
    assert refused.status_code == 409
    assert NOT_YET in refused.body.decode()
    assert not attended(reg)
    door = organiser.get(f"{BASE}/inchecken").body.decode()
    assert OPENS in door
    assert f'href="{BASE}/inchecken/openen"' in door
    assert f"/aanmeldingen/{reg.key}/aanwezig" not in door
    scanned = organiser.get(f"/r/{reg.token}").body.decode()  # the QR code scanned too early
    assert OPENS in scanned
    assert f"/aanmeldingen/{reg.key}/aanwezig" not in scanned

    # half past eleven the evening before, in Zwijndrecht: still refused
    on_the_day(now, organiser, datetime(2027, 3, 17, 23, 30, tzinfo=TIMEZONE))
    assert organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {}).status_code == 409
    # 23:30 UTC is already 00:30 on the day there (a UTC calendar would still refuse): the negative control
    now["value"] = datetime(2027, 3, 17, 23, 30, tzinfo=UTC)
    door = organiser.get(f"{BASE}/inchecken").body.decode()
    assert OPENS not in door
    assert f"/aanmeldingen/{reg.key}/aanwezig" in door
    assert organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {}).status_code == 303
    assert attended(reg)


def test_an_organiser_opens_check_in_early_only_after_confirming(make_event, organiser, now):
    make_event()
    anna, bram = register("Anna Jansen"), register("Bram de Wit")
    version = present(event_store().get(SLUG)).version
    question = organiser.get(f"{BASE}/inchecken/openen").body.decode()
    assert "Inchecken nu al openen?" in question
    assert "donderdag 18 maart 2027" in question
    assert f'action="{BASE}/inchecken/openen"' in question
    # seeing the question changes nothing: the negative control
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/aanwezig", {}).status_code == 409

    response = organiser.post(f"{BASE}/inchecken/openen", {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{BASE}/inchecken#inchecken"
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/aanwezig", {}).status_code == 303
    assert attended(anna)
    assert OPENS not in organiser.get(f"{BASE}/inchecken").body.decode()
    assert organiser.get(f"{BASE}/inchecken/openen").headers["Location"] == f"{BASE}/inchecken"  # asked no more
    entries = [e for e in audit_store().month("2026-11", 100).items if e.action == "event.check_in_opened"]
    assert [(e.actor, e.after) for e in entries] == [("org@zwijndrecht.nl", {"check_in_early_for": "2027-03-18"})]
    event = present(event_store().get(SLUG))
    assert event.version == version  # not an edit: a form someone has open still saves

    # moved to another day, the meeting waits for that day again; a check-in made can still be undone
    moved = organiser.post(BASE, {**event_values(event), "date": "2027-03-25"})
    assert moved.status_code == 303
    refused = organiser.post(f"{BASE}/aanmeldingen/{bram.key}/aanwezig", {})
    assert refused.status_code == 409
    assert NOT_YET in refused.body.decode()
    assert organiser.post(f"{BASE}/aanmeldingen/{anna.key}/afwezig", {}).status_code == 303
    assert not attended(anna)


def test_the_personal_page_says_present_once_checked_in(make_event, organiser, visitor, client, now):
    make_event()
    reg = register("Anna Jansen")
    english = FormSession(client, language="en")

    def status(session: FormSession) -> str:
        page = session.get(f"/r/{reg.token}").body.decode()
        return present(re.search(r"<dt>Status</dt>\s*<dd>(.*?)</dd>", page, re.S)).group(1)

    assert "Aangemeld" in status(visitor)  # the negative control: a seat, not yet at the door
    assert "Aanwezig" not in status(visitor)
    on_the_day(now, organiser, MEETING_DAY)
    organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {})
    assert "Aanwezig (ingecheckt)" in status(visitor)
    assert "Aangemeld" not in status(visitor)
    assert "Present (checked in)" in status(english)

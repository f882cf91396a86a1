"""Switching between on location and online on the personal page of a hybrid meeting: seats released
and taken in one transaction, the freed seat to the first in line, the waiting list's rules as for a
new registration, a mail confirming the change."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from chalicelib.events.model import AttendanceMode
from chalicelib.events.parts import Slot, Workshop
from chalicelib.events.store import event_store
from chalicelib.registrations import attendance
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.aws import sent_mail
from tests.support.factories import build_event, registration_form, store_event
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
LINK = "https://meet.jit.si/netwerkbijeenkomst-test-geheim"
SUBJECT = "U neemt anders deel aan Netwerkbijeenkomst Maatschappelijk ongenoegen"


def register(attendance_mode: str, **form: str):
    return registration.register(SLUG, registration_form(attendance=attendance_mode, **form), "nl").registration


def switch(visitor: FormSession, reg, to: str):
    return visitor.post(f"/r/{reg.token}/deelname", {"attendance": to})


def stored(reg):
    return present(registration_store().get(SLUG, reg.sk))


def seats() -> tuple[int, int, int, int]:
    event = present(event_store().get(SLUG))
    return event.confirmed, event.waiting, event.confirmed_online, event.waiting_online


def figures_are_kept() -> bool:
    kept = Counter({name: n for name, n in event_store().figures(SLUG).items() if n})
    return kept == +attendance.count_slowly(SLUG)


def mails_to(reg) -> list:
    return [m for m in sent_mail() if m.destinations["ToAddresses"] == [reg.email]]


def test_a_seat_on_location_becomes_an_online_seat_and_the_first_in_line_gets_the_freed_one(moto, visitor):
    store_event(build_event(capacity=1, online_capacity=2, online_link=LINK))
    leaving, waiting = register("location"), register("location")
    assert (leaving.status, waiting.status) == ("confirmed", "waiting")
    page = visitor.get(f"/r/{leaving.token}").body.decode()
    assert "Wisselen naar online deelname" in page
    assert "dan geeft u uw plaats op locatie vrij" in page

    response = switch(visitor, leaving, "online")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{leaving.token}?deelname=1#deelname"
    assert (stored(leaving).attendance, stored(leaving).status) == ("online", "confirmed")
    assert (stored(waiting).attendance, stored(waiting).status) == ("location", "confirmed")
    assert seats() == (1, 0, 1, 0)
    assert registration_store().first_waiting(SLUG, AttendanceMode.ON_SITE) is None  # its place in line went with it
    assert figures_are_kept()
    [switched] = mails_to(leaving)[-1:]
    assert switched.subject == SUBJECT
    assert "U wisselde naar online deelname. U bent nu online aangemeld voor:" in switched.body
    assert LINK in switched.body  # the online seat's link comes with it
    assert mails_to(waiting)[-1].subject.startswith("Er is een plaats vrij")
    page = visitor.get(f"/r/{leaving.token}?deelname=1").body.decode()
    assert "Uw deelname is gewijzigd. U krijgt een e-mail ter bevestiging." in page
    # back is offered while there is a seat on location; the first in line took the freed one
    assert "Wisselen naar deelname op locatie kan nu niet: de plaatsen op locatie zijn vol." in page


def test_a_seat_is_kept_when_the_other_way_is_full(moto, visitor):
    store_event(build_event(capacity=2, online_capacity=1))
    register("online")
    staying = register("location")
    assert "de online plaatsen zijn vol" in visitor.get(f"/r/{staying.token}").body.decode()

    response = switch(visitor, staying, "online")

    assert response.status_code == 409
    assert "Online is er geen plaats meer vrij. U blijft aangemeld voor deelname op locatie." in response.body.decode()
    assert (stored(staying).attendance, stored(staying).status) == ("location", "confirmed")
    assert seats() == (1, 0, 1, 0)
    assert [m.subject for m in mails_to(staying)][-1] != SUBJECT


def test_who_waits_joins_the_end_of_the_other_line_or_takes_its_free_seat(moto, visitor):
    store_event(build_event(capacity=1, online_capacity=1))
    register("location")
    online = register("online")
    earlier = register("location")  # waits on location
    switching = register("online")  # waits online, registered after `earlier`
    assert [r.status for r in (earlier, switching)] == ["waiting", "waiting"]

    assert switch(visitor, switching, "location").status_code == 303
    moved = stored(switching)
    assert (moved.attendance, moved.status) == ("location", "waiting")
    assert registration_store().waiting_position(moved) == 2  # behind who waited there already
    assert seats() == (1, 2, 1, 0)
    assert "wachtlijst voor deelname op locatie" in mails_to(switching)[-1].body

    # the online seat comes free: nobody waits online any more, so it stays free, and a switch takes it
    visitor.post(f"/r/{online.token}/annuleren", {})
    assert seats() == (1, 2, 0, 0)
    page = visitor.get(f"/r/{switching.token}").body.decode()
    assert "Online is er nog plaats. Wisselt u, dan bent u meteen online aangemeld." in page
    assert switch(visitor, switching, "online").status_code == 303
    assert (stored(switching).attendance, stored(switching).status) == ("online", "confirmed")
    assert seats() == (1, 1, 1, 0)
    assert present(registration_store().first_waiting(SLUG, AttendanceMode.ON_SITE)).email == earlier.email
    assert figures_are_kept()


def test_a_switch_to_location_frees_nothing_twice_and_online_frees_the_workshop_seat(moto, visitor):
    workshops = (Workshop(1, "Online ordeverstoring", 2, "Zaal 1"), Workshop(2, "Casus Rotterdam", 2, "Zaal 2"))
    programme = [*build_event().programme, Slot(4, "14:40", "15:20", "Workshopronde", workshops=workshops)]
    store_event(build_event(capacity=5, online_capacity=5, programme=programme))
    reg = registration.register(SLUG, registration_form(attendance="location", round_4="1"), "nl").registration
    assert present(event_store().get(SLUG)).workshop_taken(4, 1) == 1

    assert switch(visitor, reg, "online").status_code == 303
    assert present(event_store().get(SLUG)).workshop_taken(4, 1) == 0
    assert stored(reg).workshops == {}
    # back on location, a workshop is chosen again on the page, as after any new seat there
    assert switch(visitor, reg, "location").status_code == 303
    assert "Workshopkeuze opslaan" in visitor.get(f"/r/{reg.token}").body.decode()
    assert seats() == (1, 0, 0, 0)


def test_a_switch_sent_twice_is_made_and_mailed_once(moto, visitor):
    store_event(build_event(capacity=2, online_capacity=2))
    reg = register("location")
    assert switch(visitor, reg, "online").status_code == 303
    assert switch(visitor, reg, "online").status_code == 303
    assert [m.subject for m in mails_to(reg)].count(SUBJECT) == 1
    assert seats() == (0, 0, 1, 0)


@pytest.mark.parametrize("case", ["not hybrid", "past the deadline", "cancelled", "unknown way"])
def test_no_switch_where_it_makes_no_sense(moto, visitor, now, case):
    store_event(build_event(capacity=2, online_capacity=0 if case == "not hybrid" else 2))
    reg = (
        register("location")
        if case != "not hybrid"
        else registration.register(SLUG, registration_form(), "nl").registration
    )
    if case == "past the deadline":
        now["value"] = present(present(event_store().get(SLUG)).registration_deadline) + timedelta(minutes=1)
    if case == "cancelled":
        visitor.post(f"/r/{reg.token}/annuleren", {})
    before = seats()
    offered = "Online of op locatie" in visitor.get(f"/r/{reg.token}").body.decode()
    assert offered == (case == "unknown way")

    response = switch(visitor, reg, "elders" if case == "unknown way" else "online")

    assert response.status_code == 409
    assert seats() == before

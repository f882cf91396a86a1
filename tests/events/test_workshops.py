"""Workshop rounds: parallel sessions with seats of their own, chosen at registration or later on the
personal page, never overbooked."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from chalicelib.audit.store import AuditChange
from chalicelib.core.dynamo import TransactItem
from chalicelib.core.errors import Conflict, InvalidInput
from chalicelib.core.tenancy import in_this_network
from chalicelib.events.parts import Slot, Speaker, Workshop
from chalicelib.events.store import event_store
from chalicelib.library import materials, speakers
from chalicelib.library.model import FileType, Material, MaterialAccess, materials_of
from chalicelib.registrations import attendance, changes, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.seats import StaleRegistration, seat_store
from chalicelib.registrations.store import registration_store
from tests.support.accounts import make_account, on_the_day, register_by_form
from tests.support.aws import NOW, REGISTERING_CALLS, hooked
from tests.support.documents import pdf
from tests.support.factories import MEETING_DAY, build_event, registration_form, store_event
from tests.support.races import read_then_wait
from tests.support.stored import present
from tests.support.web import csv_rows, download_export, upload_through_page

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}"
WORKSHOPS = (
    Workshop(1, "Online ordeverstoring", 2, "Zaal 1"),
    Workshop(2, "Casus Rotterdam", 1, "Zaal 2"),
    Workshop(3, "Statelijke dreigingen", 5, "Zaal 3"),
)
ROUND = Slot(4, "14:40", "15:20", "Workshopronde", workshops=WORKSHOPS)


def with_round(capacity: int = 5, **overrides: Any) -> None:
    """The test meeting with a workshop round of three (slot 4, after its three slots)."""
    programme = build_event().programme
    store_event(build_event(capacity=capacity, programme=[*programme, ROUND], **overrides))


def register(workshop: int | None = None, **overrides: str):
    form = registration_form(**overrides)
    if workshop is not None:
        form["round_4"] = str(workshop)
    return registration.register(SLUG, form, "nl").registration


def taken() -> dict[str, int]:
    return {k: v for k, v in present(event_store().get(SLUG)).workshops_taken.items() if v}


def file_with_round(slot: dict[str, Any]) -> dict[str, Any]:
    """An event file whose programme is this one slot."""
    return {
        "slug": SLUG,
        "title": "Netwerkbijeenkomst",
        "date": "2027-03-18",
        "start": "13:15",
        "end": "17:00",
        "venue": "Gemeentehuis Zwijndrecht",
        "capacity": 5,
        "programme": [slot],
    }


def version() -> str:
    return str(present(event_store().get(SLUG)).version)


# -- organisers make a round --------------------------------------------------------


def test_an_organiser_makes_a_round_of_three_workshops(make_event, organiser, visitor):
    make_event()
    form = {
        "start": "14:40",
        "end": "15:20",
        "title": "Workshopronde",
        "workshop_1_title": "Online ordeverstoring",
        "workshop_1_room": "Zaal 1",
        "workshop_1_capacity": "20",
        "workshop_1_speakers": "Elsje van Dijk (NCTV)",
        "workshop_2_title": "Casus Rotterdam",
        "workshop_2_capacity": "15",
        "workshop_3_title": "Statelijke dreigingen",
        "workshop_3_capacity": "",
        "version": version(),
    }
    response = organiser.post(f"{BASE}/programma", form)
    page = response.body.decode()
    assert response.status_code == 422
    assert "Workshop 3: Plaatsen: Dit veld is verplicht." in page
    assert 'value="Casus Rotterdam"' in page  # the rows stay as typed

    assert organiser.post(f"{BASE}/programma", {**form, "workshop_3_capacity": "15"}).status_code == 303
    event = present(event_store().get(SLUG))
    [round_] = event.rounds
    assert [(s.id, s.title, s.capacity) for s in round_.workshops] == [
        (1, "Online ordeverstoring", 20),
        (2, "Casus Rotterdam", 15),
        (3, "Statelijke dreigingen", 15),
    ]
    assert round_.workshops[0].speakers[0].organisation == "NCTV"
    assert event.workshop_seats == {f"{round_.position}-1": 20, f"{round_.position}-2": 15, f"{round_.position}-3": 15}
    public = visitor.get(f"/events/{SLUG}").body.decode()
    assert "Online ordeverstoring</span>, Zaal 1" in public
    assert "nog 20 plaatsen vrij" in public
    assert f'name="round_{round_.position}" value="2"' in public


def test_one_workshop_is_no_round(make_event, organiser):
    make_event()
    form = {
        "start": "14:40",
        "end": "15:20",
        "title": "Ronde",
        "workshop_1_title": "Alleen",
        "workshop_1_capacity": "5",
    }
    response = organiser.post(f"{BASE}/programma", {**form, "version": version()})
    assert response.status_code == 422
    assert "Een workshopronde heeft ten minste twee workshops." in response.body.decode()


def test_a_chosen_workshop_can_neither_go_nor_shrink_below_its_people(organiser):
    with_round()
    register(1)
    register(1)
    slot_form = {
        "start": "14:40",
        "end": "15:20",
        "title": "Workshopronde",
        "workshop_1_id": "1",
        "workshop_1_title": "Online ordeverstoring",
        "workshop_1_capacity": "1",
        "workshop_2_id": "2",
        "workshop_2_title": "Casus Rotterdam",
        "workshop_2_capacity": "1",
        "version": version(),
    }
    response = organiser.post(f"{BASE}/programma/4", slot_form)
    assert response.status_code == 422
    assert "Minstens 2: zoveel deelnemers kozen deze workshop al." in response.body.decode()
    removed = {k: v for k, v in slot_form.items() if not k.startswith("workshop_1_")}
    removed |= {"workshop_3_id": "3", "workshop_3_title": "Statelijke dreigingen", "workshop_3_capacity": "5"}
    response = organiser.post(f"{BASE}/programma/4", removed)
    assert "‘Online ordeverstoring’ kan niet weg: deelnemers kozen deze workshop." in response.body.decode()
    response = organiser.post(f"{BASE}/programma/4/verwijderen", {"version": version()})
    assert response.status_code == 409
    assert "Deelnemers kozen een workshop in deze ronde" in response.body.decode()
    assert present(event_store().get(SLUG)).workshop_seats == {"4-1": 2, "4-2": 1, "4-3": 5}


def test_the_edit_condition_keeps_chosen_seats_even_from_a_stale_read(make_event):
    """The store's own condition, without the form's check: a session read empty and dropped is refused
    once someone took a seat in it meanwhile."""
    from chalicelib.core import clock
    from chalicelib.events.store import StaleEvent

    with_round()
    event = present(event_store().get(SLUG))  # nobody in "4-2" yet
    register(2)
    event.programme = [s for s in event.programme if s.position != 4]
    event.workshop_seats = {}
    entry = AuditChange("t", "x", SLUG, {}, {}, clock.now().isoformat())
    with pytest.raises(StaleEvent):
        event_store().update(event, entry, removed_slots=(4,), held_workshops={"4-1", "4-2", "4-3"})
    assert present(event_store().get(SLUG)).workshop_seats["4-2"] == 1


# -- attendees choose ------------------------------------------------------------------


def test_registering_on_location_takes_a_seat_in_the_chosen_workshop(visitor):
    with_round()
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(name="Fatima el Amrani"))
    page = response.body.decode()
    assert response.status_code == 422
    assert '<a href="#veld-round_4">Workshopronde 14:40: Kies een workshop.</a>' in page
    assert 'value="Fatima el Amrani"' in page

    token = register_by_form(visitor, SLUG, round_4="2")
    assert taken() == {"4-2": 1}
    own = visitor.get(f"/r/{token}").body.decode()
    assert 'name="round_4" value="2" checked' in own
    assert "(uw keuze)" in own

    # the one seat of "Casus Rotterdam" is gone: shown as full, and refused
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert 'name="round_4" value="2" disabled' in page
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(round_4="2"))
    assert "Deze workshop is vol. Kies een andere." in response.body.decode()
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(round_4="9"))
    assert "Kies een van de genoemde workshops." in response.body.decode()


def test_changing_a_workshop_moves_the_seat_and_a_full_one_is_refused(visitor):
    with_round()
    mine = register(1)
    register(2)  # Casus Rotterdam is full now
    response = visitor.post(f"/r/{mine.token}/workshops", {"round_4": "2"})
    assert response.status_code == 422
    page = response.body.decode()
    assert "Deze workshop is vol. Kies een andere." in page
    assert taken() == {"4-1": 1, "4-2": 1}

    response = visitor.post(f"/r/{mine.token}/workshops", {"round_4": "3"})
    assert response.status_code == 303
    assert taken() == {"4-2": 1, "4-3": 1}
    assert "Uw workshopkeuze is opgeslagen." in visitor.get(response.headers["Location"]).body.decode()
    # the same choice again costs nothing and changes nothing
    assert visitor.post(f"/r/{mine.token}/workshops", {"round_4": "3"}).status_code == 303
    assert taken() == {"4-2": 1, "4-3": 1}


def test_cancelling_frees_the_workshop_seat(visitor):
    with_round()
    reg = register(2)
    moves.cancel(reg.token)
    assert taken() == {}
    assert present(registration_store().get(SLUG, reg.sk)).workshops == {}


def test_the_waiting_list_chooses_once_it_has_a_seat(moto):
    with_round(capacity=1)
    seated = register(1)
    waiting = register()  # the meeting is full: no workshop is asked
    assert (waiting.status, waiting.workshops) == ("waiting", {})
    with pytest.raises(Conflict):
        registration.choose_workshops(waiting.token, {"round_4": "1"})

    moves.cancel(seated.token)  # the waiting person gets the seat, and chooses on their page

    assert taken() == {}
    chosen = registration.choose_workshops(waiting.token, {"round_4": "2"})
    assert chosen.workshops == {"4": 2}
    assert taken() == {"4-2": 1}


def test_online_seats_choose_no_workshop(moto):
    with_round(online_capacity=5, online_link="https://meet.jit.si/test")
    online = register(attendance="online")
    assert (online.status, online.workshops) == ("confirmed", {})
    with pytest.raises(Conflict):
        registration.choose_workshops(online.token, {"round_4": "1"})


def test_a_registration_with_a_workshop_costs_what_any_registration_costs(visitor, aws_calls):
    with_round()
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form(round_4="1"))
    assert dict(aws_calls.calls) == REGISTERING_CALLS


def test_the_api_shows_the_rounds_and_takes_a_choice(client):
    with_round()
    body = json.loads(client.http.get(f"/api/v1/events/{SLUG}").body)
    [round_] = [slot for slot in body["programme"] if slot["sessions"]]
    assert round_["position"] == 4
    assert round_["sessions"][1] == {
        "id": 2,
        "title": "Casus Rotterdam",
        "capacity": 1,
        "room": "Zaal 2",
        "speakers": [],
        "places_left": 1,
    }
    post = {**registration_form(), "consent": True, "sessions": {"4": 2}}
    response = client.http.post(
        f"/api/v1/events/{SLUG}/registrations", body=json.dumps(post), headers={"content-type": "application/json"}
    )
    assert response.status_code == 202
    assert taken() == {"4-2": 1}
    response = client.http.post(
        f"/api/v1/events/{SLUG}/registrations",
        body=json.dumps({**post, "email": "ander@zwijndrecht.nl", "sessions": {"4": "twee"}}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422


# -- organisers see who goes where ---------------------------------------------------------


def test_organisers_see_counts_lists_and_the_export_per_workshop(organiser):
    with_round()
    register(1, name="Anna Online")
    register(3, name="Bram Staat")
    page = organiser.get(f"{BASE}/aanmeldingen").body.decode()
    assert "Online ordeverstoring, Zaal 1: 1 van 2 plaatsen bezet" in page
    assert f'href="{BASE}/presentielijst?workshop=4-3"' in page
    listing = organiser.get(f"{BASE}/presentielijst?workshop=4-3").body.decode()
    assert "Bram Staat" in listing
    assert "Anna Online" not in listing
    assert "Statelijke dreigingen" in listing
    assert "14:40–15:20 uur" in listing  # the workshop's own time
    whole = organiser.get(f"{BASE}/presentielijst?workshop=onzin").body.decode()
    assert "Anna Online" in whole
    assert "Bram Staat" in whole
    rows = csv_rows(download_export(organiser, f"{BASE}/export"))
    column = rows[0].index("Workshopronde 14:40")
    assert sorted(row[column] for row in rows[1:]) == ["Online ordeverstoring", "Statelijke dreigingen"]


def test_an_event_file_carries_a_round_and_loading_it_again_keeps_the_chosen_seats(moto):
    from chalicelib.events.importer import load

    slot = {
        "start": "14:40",
        "end": "15:20",
        "title": "Workshopronde",
        "sessions": [
            {"title": "Online ordeverstoring", "room": "Zaal 1", "capacity": 2},
            {
                "title": "Casus Rotterdam",
                "capacity": 1,
                "speakers": [{"name": "Marjolein", "organisation": "Rotterdam"}],
            },
        ],
    }
    event_file = file_with_round(slot)
    load([event_file])
    reg = registration.register(SLUG, registration_form(round_1="2"), "nl").registration
    assert reg.workshops == {"1": 2}
    load([{**event_file, "title": "Nieuwe titel"}])
    event = present(event_store().get(SLUG))
    assert (event.title, event.workshops_taken, event.workshop_seats) == (
        "Nieuwe titel",
        {"1-2": 1},
        {"1-1": 2, "1-2": 1},
    )


# -- never overbooked ---------------------------------------------------------------------

PEOPLE, SEATS = 20, 5


def race_for_one_workshop(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """20 people register at once for the same workshop of 5 seats, in a meeting with room for all:
    every one reads the event before any writes."""
    workshops = (Workshop(1, "Vol", SEATS), Workshop(2, "Ruim", PEOPLE))
    store_event(build_event(capacity=PEOPLE, programme=[replace(ROUND, workshops=workshops)]))
    read_then_wait(monkeypatch, PEOPLE)

    def one(_: int) -> str:
        try:
            return registration.register(SLUG, registration_form(round_4="1"), "nl").registration.status
        except InvalidInput:
            return "refused"

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        return Counter(pool.map(in_this_network(one), range(PEOPLE)))


def test_a_workshop_is_never_overbooked(moto_server, monkeypatch):
    outcomes = race_for_one_workshop(monkeypatch)

    assert outcomes == {"confirmed": SEATS, "refused": PEOPLE - SEATS}
    event = present(event_store().get(SLUG))
    assert (event.confirmed, event.workshops_taken.get("4-1")) == (SEATS, SEATS)
    holders = [r for r in registration_store().list_for_event(SLUG) if r.workshops == {"4": 1}]
    assert len(holders) == SEATS


def test_negative_control_without_the_workshop_condition_it_overbooks(moto_server, monkeypatch):
    original = changes.counters

    def unguarded(table: str, slug: str, condition: str, *args: Any, **steps: Any) -> TransactItem:
        item = original(table, slug, condition, *args, **steps)
        update = item["Update"]
        update["ConditionExpression"] = update["ConditionExpression"].split(" AND attribute_exists(workshop_seats")[0]
        names = update["ExpressionAttributeNames"]
        update["ExpressionAttributeNames"] = {
            k: v for k, v in names.items() if k in update["UpdateExpression"] + update["ConditionExpression"]
        }
        return item

    monkeypatch.setattr(changes, "counters", unguarded)

    outcomes = race_for_one_workshop(monkeypatch)

    assert outcomes["confirmed"] > SEATS  # the checks above would have failed
    assert present(event_store().get(SLUG)).workshops_taken["4-1"] > SEATS


# -- races and stale pages ------------------------------------------------------------------------


def test_a_workshop_emptied_from_a_stale_page_is_not_removed_once_someone_chose_it(organiser):
    """The organiser's page shows "Casus Rotterdam" with nobody in it; someone chooses it before
    the organiser's removal arrives: the edit's condition refuses, and the seat stays valid."""
    from chalicelib.events import workspace
    from chalicelib.events.store import StaleEvent

    with_round()
    stale = workspace.get(SLUG)  # as the organiser's page read it
    register(2)
    stale.programme = [
        replace(s, workshops=tuple(w for w in s.workshops if w.id != 2)) if s.workshops else s for s in stale.programme
    ]
    with pytest.raises(Conflict) as refused:
        workspace.write(make_account("org2@zwijndrecht.nl", access="organiser"), stale, "programme.updated", {})
    assert present(event_store().get(SLUG)).workshop_seats["4-2"] == 1
    assert isinstance(refused.value.__cause__, StaleEvent)  # the store's signal, turned into the Conflict above


def test_two_changes_from_one_old_page_do_not_free_a_seat_twice(visitor):
    with_round()
    reg = register(1)
    registration.choose_workshops(reg.token, {"round_4": "3"})
    # the same old registration, as a second tab still holds it: its choice was 1
    with pytest.raises(StaleRegistration):
        seat_store().change_workshops(reg, {"4": 2})
    assert taken() == {"4-3": 1}


def test_a_cancellation_racing_a_change_frees_exactly_the_seat_held(visitor):
    with_round()
    reg = register(1)
    registration.choose_workshops(reg.token, {"round_4": "3"})
    with pytest.raises(StaleRegistration):  # the cancel read the old choice: refused, then read again
        seat_store().release(reg, RegistrationStatus.CANCELLED, "2027-01-01T00:00:00+00:00", None)
    moves.cancel(reg.token)
    assert taken() == {}


def test_an_organiser_cancelling_frees_the_workshop_and_registering_again_takes_one(moto):
    from chalicelib.accounts.model import Access, Account, AccountStatus
    from chalicelib.core import clock

    with_round()
    form = registration_form(round_4="2")
    reg = registration.register(SLUG, form, "nl").registration
    organiser = Account(
        "org@zwijndrecht.nl", "Org", "", "", clock.now(), status=AccountStatus.APPROVED, access=Access.ORGANISER
    )
    moves.by_organiser(organiser, SLUG, reg.key, "annuleren")
    assert taken() == {}
    again = registration.register(SLUG, {**form, "round_4": "3"}, "nl").registration
    assert (again.status, again.workshops) == ("confirmed", {"4": 3})
    assert taken() == {"4-3": 1}


def test_a_round_with_every_workshop_full_lets_people_register_without_one(moto):
    full = (Workshop(1, "Klein", 1), Workshop(2, "Ook klein", 1))
    programme = build_event().programme
    store_event(build_event(capacity=5, programme=[*programme, replace(ROUND, workshops=full)]))
    register(1)
    register(2)
    third = register()  # nothing left to choose: a seat on location without a workshop
    assert (third.status, third.workshops) == ("confirmed", {})


def test_reordering_sessions_in_an_event_file_keeps_choices_by_id(moto):
    from chalicelib.events.importer import InvalidEventFile, load

    sessions = [
        {"id": 1, "title": "Online ordeverstoring", "capacity": 2},
        {"id": 2, "title": "Casus Rotterdam", "capacity": 2},
    ]
    event_file = file_with_round({"start": "14:40", "end": "15:20", "title": "Workshopronde", "sessions": sessions})
    load([event_file])
    reg = registration.register(SLUG, registration_form(round_1="2"), "nl").registration
    load([{**event_file, "programme": [{**event_file["programme"][0], "sessions": sessions[::-1]}]}])
    [round_] = present(event_store().get(SLUG)).rounds
    assert {s.id: s.title for s in round_.workshops}[reg.workshops["1"]] == "Casus Rotterdam"
    without_it = [sessions[0], {"id": 3, "title": "Nieuw", "capacity": 2}]
    with pytest.raises(InvalidEventFile, match=r"1-2"):
        load([{**event_file, "programme": [{**event_file["programme"][0], "sessions": without_it}]}])


def test_an_event_holds_at_most_24_workshops_and_an_edit_of_them_fits_dynamodbs_limits(make_event, organiser):
    from chalicelib.core import aws
    from chalicelib.events.forms import event_values

    make_event()
    rows = {f"workshop_{n}_title": f"W{n}" for n in range(1, 9)} | {f"workshop_{n}_capacity": "3" for n in range(1, 9)}
    statuses = []
    for start, end in (("14:40", "15:00"), ("15:00", "15:20"), ("15:20", "15:40"), ("15:40", "16:00")):
        response = organiser.post(
            f"{BASE}/programma", {"start": start, "end": end, "title": "Ronde", **rows, "version": version()}
        )
        statuses.append(response.status_code)
    assert statuses == [303, 303, 303, 422]
    assert "ten hoogste 24 workshops" in response.body.decode()
    event = present(event_store().get(SLUG))
    assert len(event.workshop_seats) == 24
    sent: list = []

    def capture(params, **_):
        sent.append(params)

    with hooked(aws.dynamodb(), "before-parameter-build.dynamodb.TransactWriteItems", capture):
        assert organiser.post(BASE, {**event_values(event), "title": "Nieuwe titel"}).status_code == 303
    update = sent[-1]["TransactItems"][0]["Update"]
    assert update["ConditionExpression"].count("workshops_taken.#s") == 2 * 24  # every workshop guarded
    assert len(update["ConditionExpression"]) < 4096  # DynamoDB's limit per expression


# -- checking in at a workshop's door ---------------------------------------------------------


def test_organisers_check_in_at_a_workshop_and_it_counts_for_the_meeting(organiser, now):
    with_round()
    anna = register(1, name="Anna Online")
    bram = register(3, name="Bram Staat")
    on_the_day(now, organiser)  # check-in opens on the day
    page = organiser.get(f"{BASE}/inchecken").body.decode()
    assert f'href="{BASE}/inchecken?workshop=4-3#inchecken"' in page
    door = organiser.get(f"{BASE}/inchecken?workshop=4-3").body.decode()
    assert "Inchecken: Statelijke dreigingen" in door
    assert "Bram Staat" in door
    assert "Anna Online" not in door  # she chose another workshop
    assert "0 van de 1 deelnemers van deze workshop zijn aanwezig." in door

    response = organiser.post(f"{BASE}/aanmeldingen/{bram.key}/workshop-aanwezig", {"workshop": "4-3"})
    assert response.headers["Location"] == f"{BASE}/inchecken?workshop=4-3&gedaan={bram.key}#inchecken"
    stored = registration.by_key(SLUG, bram.key)
    assert stored.workshops_attended == {"4-3"}
    assert stored.attended_at is not None  # at a workshop is at the meeting
    door = organiser.get(f"{BASE}/inchecken?workshop=4-3&gedaan={bram.key}").body.decode()
    assert "Bram Staat is aanwezig gemeld." in door
    assert "1 van de 1 deelnemers van deze workshop is aanwezig." in door
    assert "aanwezig gemeld" in organiser.get(f"{BASE}/presentielijst?workshop=4-3").body.decode()
    assert "aanwezig gemeld" not in organiser.get(f"{BASE}/presentielijst?workshop=4-1").body.decode()
    rows = csv_rows(download_export(organiser, f"{BASE}/export"))
    present = rows[0].index("Workshopronde 14:40: aanwezig")
    assert sorted(row[present] for row in rows[1:]) == ["", "Ja"]

    # twice is once; undo leaves the meeting's check-in alone
    organiser.post(f"{BASE}/aanmeldingen/{bram.key}/workshop-aanwezig", {"workshop": "4-3"})
    assert registration.by_key(SLUG, bram.key).workshops_attended == {"4-3"}
    organiser.post(f"{BASE}/aanmeldingen/{bram.key}/workshop-afwezig", {"workshop": "4-3"})
    stored = registration.by_key(SLUG, bram.key)
    assert stored.workshops_attended == frozenset()
    assert stored.attended_at is not None

    # someone with a seat in another workshop, or a workshop that does not exist
    wrong = organiser.post(f"{BASE}/aanmeldingen/{anna.key}/workshop-aanwezig", {"workshop": "4-3"})
    assert wrong.status_code == 409
    assert "Deze deelnemer heeft een plaats in een andere workshop." in wrong.body.decode()
    assert registration.by_key(SLUG, anna.key).attended_at is None
    nowhere = organiser.post(f"{BASE}/aanmeldingen/{anna.key}/workshop-aanwezig", {"workshop": "9-9"})
    assert nowhere.status_code == 404
    assert "Inchecken bij de bijeenkomst" not in organiser.get(f"{BASE}/inchecken?workshop=9-9").body.decode()


def test_a_workshops_door_opens_on_the_meetings_day_too(organiser, now):
    with_round()
    bram = register(3, name="Bram Staat")
    refused = organiser.post(f"{BASE}/aanmeldingen/{bram.key}/workshop-aanwezig", {"workshop": "4-3"})
    assert refused.status_code == 409
    assert "Inchecken kan pas op de dag van de bijeenkomst." in refused.body.decode()
    assert registration.by_key(SLUG, bram.key).workshops_attended == frozenset()
    door = organiser.get(f"{BASE}/inchecken?workshop=4-3").body.decode()
    assert "Inchecken opent op donderdag 18 maart 2027" in door
    assert "/workshop-aanwezig" not in door
    on_the_day(now, organiser)  # the negative control: the same check-in on the day
    assert organiser.post(f"{BASE}/aanmeldingen/{bram.key}/workshop-aanwezig", {"workshop": "4-3"}).status_code == 303
    assert registration.by_key(SLUG, bram.key).workshops_attended == {"4-3"}


def test_the_workshop_check_in_holds_only_while_the_seat_is_held(visitor):
    with_round()
    reg = register(3)
    organiser = make_account("org@zwijndrecht.nl", access="organiser")
    event = present(event_store().get(SLUG))
    moves.cancel(reg.token)
    # a page read before the cancellation: the store's condition refuses, nothing is written
    entry = AuditChange(organiser.email, "registration.workshop_attended", f"{SLUG}/{reg.key}", {}, {}, NOW.isoformat())
    with pytest.raises(StaleRegistration):
        seat_store().set_workshop_attended(reg, "4-3", True, entry)
    assert registration.by_key(SLUG, reg.key).workshops_attended == frozenset()
    with pytest.raises(Conflict):
        attendance.check_in_workshop(organiser, event, reg.key, "4-3", attended=True)


# -- slides for a workshop ---------------------------------------------------------


def test_a_workshops_speaker_uploads_slides_that_belong_to_the_workshop(moto, visitor):
    named = replace(WORKSHOPS[2], speakers=(Speaker("Elsje van Dijk", "NCTV"),))
    programme = build_event().programme
    store_event(build_event(programme=[*programme, replace(ROUND, workshops=(*WORKSHOPS[:2], named))]))
    _speaker, url = speakers.invite(SLUG, (4,), "Elsje van Dijk", "NCTV", "elsje@nctv.nl")
    token = url.rsplit("/", 1)[1]
    page = visitor.get(f"/spreker/{token}").body.decode()
    assert "Statelijke dreigingen" in page
    assert "Casus Rotterdam" not in page  # she speaks in one workshop of the round

    key = upload_through_page(page, pdf("Statelijke dreigingen in de regio"), "dreigingen.pdf")
    assert key.split("/")[7] == "4-3"  # incoming/n/{network}/uploads/{event}/{speaker}/{material}/{part}/{random}
    visitor.get(f"/spreker/{token}/klaar?key={key}")
    [material] = materials_of(present(event_store().get(SLUG)))
    assert (material.title, material.slot, material.workshop, material.part) == ("Statelijke dreigingen", 4, 3, "4-3")
    assert "dreigingen.pdf" in visitor.get(f"/spreker/{token}").body.decode()

    # someone the programme does not name in any workshop of the round chooses among them all
    _other, other_url = speakers.invite(SLUG, (4,), "Joppe van der Bruggen", "RTR", "joppe@politie.nl")
    choices = speakers.upload_form(other_url.rsplit("/", 1)[1], speakers.open_link(other_url.rsplit("/", 1)[1]))
    assert [t.label for t in choices.targets] == [
        "14:40 Online ordeverstoring",
        "14:40 Casus Rotterdam",
        "14:40 Statelijke dreigingen",
    ]


def test_leaving_a_workshop_or_the_meeting_takes_its_check_in_along(visitor, now):
    with_round()
    reg = register(3)
    now["value"] = MEETING_DAY  # check-in opens that morning; workshops can be changed until the start
    organiser = make_account("org@zwijndrecht.nl", access="organiser")
    event = present(event_store().get(SLUG))
    attendance.check_in_workshop(organiser, event, reg.key, "4-3", attended=True)
    registration.choose_workshops(reg.token, {"round_4": "1"})
    moved = registration.by_key(SLUG, reg.key)
    assert (moved.workshops, moved.workshops_attended) == ({"4": 1}, frozenset())

    attendance.check_in_workshop(organiser, event, reg.key, "4-1", attended=True)
    moves.by_organiser(organiser, SLUG, reg.key, "afwezig")  # not at the meeting: at none of it
    undone = registration.by_key(SLUG, reg.key)
    assert (undone.attended_at, undone.workshops_attended) == (None, frozenset())


def test_slides_a_speaker_keeps_for_a_rounds_slot_stay_on_their_page(moto, visitor):
    """Slides uploaded for a round's slot itself (before its workshops had slides of their own) stay
    the speaker's to see, replace and remove, next to the workshops."""
    store_event(build_event(programme=[*build_event().programme, ROUND]))
    speaker, url = speakers.invite(SLUG, (4,), "Elsje van Dijk", "NCTV", "elsje@nctv.nl")
    token = url.rsplit("/", 1)[1]
    kept = Material(
        id=f"{SLUG}.{'0' * 12}", title="Workshopronde", file_type=FileType.PDF, access=MaterialAccess.MEMBERS, date=date(2027, 3, 18),
        object_key="k", size=2048, filename="ronde.pdf", uploaded_at=NOW, event_slug=SLUG, slot=4,
        speaker_id=speaker.id,
    )  # fmt: skip
    materials.save(kept)
    assert [p.key for p in speakers.open_link(token).parts] == ["4-1", "4-2", "4-3", "4"]
    page = visitor.get(f"/spreker/{token}").body.decode()
    assert "ronde.pdf" in page
    assert f"/spreker/{token}/bestanden/{kept.id}/verwijderen" in page


def test_the_speakers_tab_awaits_slides_only_where_someone_speaks(organiser):
    store_event(build_event())

    def rows() -> list[str]:
        page = organiser.get(f"{BASE}/sprekers").body.decode()
        return page.split("<tbody", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]

    coffee, welcome, _talk = rows()
    assert "Inloop met koffie en thee" in coffee
    assert "Nog niet binnen" not in coffee  # nobody speaks at the coffee
    assert "Nog niet binnen" in welcome
    speakers.invite(SLUG, (1,), "Gastvrouw", "Gemeente Zwijndrecht", "gast@zwijndrecht.nl")
    assert "Nog niet binnen" in rows()[0]  # unless someone was invited for it


def test_the_speakers_tab_invites_a_workshops_speakers_and_shows_their_slides_per_workshop(organiser, visitor):
    named = replace(WORKSHOPS[2], speakers=(Speaker("Elsje van Dijk", "NCTV"),))
    store_event(build_event(programme=[*build_event().programme, replace(ROUND, workshops=(*WORKSHOPS[:2], named))]))
    page = organiser.get(f"{BASE}/sprekers").body.decode()
    assert 'href="?onderdeel=4&amp;spreker=0#veld-email">Elsje van Dijk uitnodigen</a>' in page
    form = organiser.get(f"{BASE}/sprekers?onderdeel=4&spreker=0").body.decode()
    assert 'value="Elsje van Dijk"' in form
    _speaker, url = speakers.invite(SLUG, (4,), "Elsje van Dijk", "NCTV", "elsje@nctv.nl")
    token = url.rsplit("/", 1)[1]
    key = upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), pdf("Dreigingen"), "dreigingen.pdf")
    visitor.get(f"/spreker/{token}/klaar?key={key}")
    page = organiser.get(f"{BASE}/sprekers").body.decode()
    assert "Statelijke dreigingen: <a" in page
    assert "dreigingen.pdf</a>" in page
    assert "Elsje van Dijk uitnodigen" not in page

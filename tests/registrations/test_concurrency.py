"""25 people register at once for 5 seats, through moto server over HTTP.

All threads read the event before any of them writes (a barrier after the
read), the worst interleaving there is. The negative control removes the
seat condition and shows that the same checks then catch overbooking.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.core import aws
from chalicelib.core.dynamo import TransactItem, to_attrs
from chalicelib.core.keys import event_pk
from chalicelib.core.tenancy import in_this_network
from chalicelib.events.store import EventStore, event_store
from chalicelib.registrations import attendance, changes, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.aws import LOCAL_STAGE, rewritten_updates
from tests.support.factories import build_event, registration_form, store_event
from tests.support.races import read_then_wait
from tests.support.stored import present

PEOPLE, SEATS = 25, 5  # enough racers to overbook without the seat condition (the negative controls show it)
SLUG = "netwerkbijeenkomst-test"


@pytest.fixture
def seats(moto_server: str) -> None:
    store_event(build_event(capacity=SEATS))


def register_everyone(**form: str) -> Counter[str]:
    def one(_: int) -> str:
        return registration.register(SLUG, registration_form(**form), "nl").registration.status

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        return Counter(pool.map(in_this_network(one), range(PEOPLE)))


def list_entries(prefix: str) -> int:
    """How many entries a waiting list holds (`WAIT#` on location, `WAITONLINE#` online)."""
    response = aws.dynamodb().query(
        TableName=LOCAL_STAGE["TABLE_NAME"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :w)",
        ExpressionAttributeValues={":pk": {"S": event_pk(SLUG)}, ":w": {"S": prefix}},
        ConsistentRead=True,
    )
    return len(response["Items"])


def stored_state() -> tuple[Counter[str], int, int, int]:
    regs = registration_store().list_for_event(SLUG)
    event = present(event_store().get(SLUG))  # get_meta waits at the barrier in these tests
    waiting_entries = list_entries("WAIT#")
    return Counter(r.status for r in regs), event.confirmed, event.waiting, waiting_entries


def test_exactly_the_seats_are_confirmed_and_the_rest_wait(seats, monkeypatch):
    read_then_wait(monkeypatch, PEOPLE)

    outcomes = register_everyone()

    assert outcomes == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    statuses, confirmed, waiting, entries = stored_state()
    assert statuses == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    assert (confirmed, waiting, entries) == (SEATS, PEOPLE - SEATS, PEOPLE - SEATS)
    assert figures_are_kept()


def figures_are_kept() -> bool:
    """The overview's figures, kept by the transactions, equal a count of every registration."""
    kept = Counter({name: n for name, n in event_store().figures(SLUG).items() if n})
    return kept == +attendance.count_slowly(SLUG)


def without_seat_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations' transactions take a seat whether or not one is left."""
    original = changes.counters

    def unguarded(table: str, slug: str, condition: str, *args: Any, **steps: Any) -> TransactItem:
        return original(
            table, slug, condition.replace("#confirmed < #capacity", "#capacity = #capacity"), *args, **steps
        )

    monkeypatch.setattr(changes, "counters", unguarded)


def test_negative_control_without_the_seat_condition_overbooking_is_caught(seats, monkeypatch):
    read_then_wait(monkeypatch, PEOPLE)
    without_seat_condition(monkeypatch)

    register_everyone()

    statuses, confirmed, _, _ = stored_state()
    assert statuses["confirmed"] > SEATS  # the checks above would have failed
    assert confirmed > SEATS


@pytest.fixture
def online_seats(moto_server: str) -> None:
    """A hybrid meeting: SEATS online, and more seats in the room than people."""
    store_event(build_event(capacity=PEOPLE, online_capacity=SEATS))


def online_state() -> tuple[Counter[str], int, int, int, int]:
    regs = registration_store().list_for_event(SLUG)
    event = present(event_store().get(SLUG))
    waiting_entries = list_entries("WAITONLINE#")
    return (
        Counter(r.status for r in regs),
        event.confirmed_online,
        event.waiting_online,
        waiting_entries,
        event.confirmed,
    )


def test_online_seats_have_the_same_guarantee(online_seats, monkeypatch):
    read_then_wait(monkeypatch, PEOPLE)

    outcomes = register_everyone(attendance="online")

    assert outcomes == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    statuses, confirmed, waiting, entries, on_site = online_state()
    assert statuses == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    assert (confirmed, waiting, entries) == (SEATS, PEOPLE - SEATS, PEOPLE - SEATS)
    assert on_site == 0  # not one took a seat in the room, which had plenty
    assert figures_are_kept()


def test_negative_control_online_seats_without_their_condition_overbook(online_seats, monkeypatch):
    read_then_wait(monkeypatch, PEOPLE)
    without_seat_condition(monkeypatch)

    register_everyone(attendance="online")

    statuses, confirmed, _, _, _ = online_state()
    assert statuses["confirmed"] > SEATS  # the checks above would have failed
    assert confirmed > SEATS


def race_to_promote() -> Counter[str]:
    """2 seats taken, 10 waiting, then one seat comes free; ten organisers each promote a different person."""
    from chalicelib.accounts.model import Access, Account, AccountStatus
    from chalicelib.core import clock
    from chalicelib.core.errors import Conflict

    store_event(build_event(capacity=2))
    for _ in range(12):
        registration.register(SLUG, registration_form(), "nl")
    event = present(event_store().get(SLUG))
    event.capacity = 3
    store_event(event)
    waiting = [r for r in registration_store().list_for_event(SLUG) if r.status == "waiting"]
    organiser = Account(
        "org@zwijndrecht.nl", "Org", "", "", clock.now(), status=AccountStatus.APPROVED, access=Access.ORGANISER
    )
    barrier = threading.Barrier(len(waiting), timeout=60)

    def promote(key: str) -> str:
        barrier.wait()
        try:
            moves.by_organiser(organiser, SLUG, key, "promoveren")
        except Conflict:
            return "refused"
        return "promoted"

    with ThreadPoolExecutor(max_workers=len(waiting)) as pool:
        return Counter(pool.map(in_this_network(promote), [r.key for r in waiting]))


def test_organisers_racing_for_the_last_seat_give_it_once(moto_server):
    assert race_to_promote() == {"promoted": 1, "refused": 9}
    statuses, confirmed, waiting_count, entries = stored_state()
    assert statuses == {"confirmed": 3, "waiting": 9}
    assert (confirmed, waiting_count, entries) == (3, 9, 9)
    assert figures_are_kept()


def test_negative_control_promotions_without_the_seat_condition_overbook(moto_server):
    """The same race with the seat condition cut out of the request (a botocore hook): the checks catch it."""

    def drop_seat_condition(update: dict[str, Any]) -> None:
        if update.get("ConditionExpression") == "#confirmed < #capacity AND #waiting > :zero":
            update["ConditionExpression"] = "#waiting > :zero"
            del update["ExpressionAttributeNames"]["#capacity"]

    with rewritten_updates("before-parameter-build", drop_seat_condition):
        outcomes = race_to_promote()
    assert outcomes["promoted"] > 1  # the assertions of the test above would have failed
    _statuses, confirmed, _, _ = stored_state()
    assert confirmed > 3


def reimport_while_people_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """An organiser re-imports the event file while 100 people register: the import reads the
    event before anyone registers and writes after everyone has, the worst interleaving there is."""
    from chalicelib.events.importer import load

    registered = threading.Event()
    read = EventStore.get

    def read_then_wait_for_everyone(self: EventStore, slug: str) -> Any:
        event = read(self, slug)
        if threading.current_thread().name == "import":
            registered.wait(timeout=120)
        return event

    monkeypatch.setattr(EventStore, "get", read_then_wait_for_everyone)
    event_file = {
        "slug": SLUG,
        "title": "Nieuwe titel",
        "date": "2027-03-18",
        "start": "13:15",
        "end": "17:00",
        "venue": "Gemeentehuis Zwijndrecht",
        "capacity": SEATS,
    }
    importer = threading.Thread(target=in_this_network(load), args=([event_file],), name="import")
    importer.start()
    register_everyone()
    registered.set()
    importer.join(timeout=120)


def test_reimporting_a_live_event_loses_no_registration(seats, monkeypatch):
    reimport_while_people_register(monkeypatch)

    statuses, confirmed, waiting, entries = stored_state()
    assert present(event_store().get(SLUG)).title == "Nieuwe titel"  # the import did write
    assert statuses == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    assert (confirmed, waiting, entries) == (SEATS, PEOPLE - SEATS, PEOPLE - SEATS)


def test_negative_control_an_import_that_writes_the_whole_item_is_caught(seats, monkeypatch):
    """The old import: the whole item as read, counters included, put back without a condition."""

    def put_as_read(self: EventStore, event: Any, audit: Any, removed_slots: tuple[int, ...] = ()) -> None:
        stale = read_counters[event.slug]
        item = {**event.to_item(), "confirmed": stale.confirmed, "waiting": stale.waiting}
        aws.dynamodb().put_item(TableName=LOCAL_STAGE["TABLE_NAME"], Item=to_attrs(item))

    read_counters: dict[str, Any] = {SLUG: event_store().get(SLUG)}
    monkeypatch.setattr(EventStore, "update", put_as_read)
    reimport_while_people_register(monkeypatch)

    statuses, confirmed, waiting, _ = stored_state()
    assert present(event_store().get(SLUG)).title == "Nieuwe titel"
    assert statuses == {"confirmed": SEATS, "waiting": PEOPLE - SEATS}
    assert (confirmed, waiting) == (0, 0)  # the counters went back to what the import read: the check above catches it

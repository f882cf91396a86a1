"""20 people on location switch to online at once for 5 online seats, through moto server over HTTP.

Every switch reads the meeting before any of them writes (a barrier after the read): each sees seats
free. Exactly 5 get one; the others keep their seat on location. The negative control takes the seat
condition out of the switch's counters and shows that the same checks then catch the overbooking.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.core.dynamo import TransactItem
from chalicelib.core.errors import Conflict
from chalicelib.core.tenancy import in_this_network
from chalicelib.events.store import EventStore, event_store
from chalicelib.registrations import attendance, changes, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.factories import build_event, registration_form, store_event
from tests.support.stored import present

PEOPLE, SEATS = 20, 5
SLUG = "netwerkbijeenkomst-test"


@pytest.fixture
def on_location(moto_server: str) -> list[str]:
    """A hybrid meeting, everyone registered on location (room for all), SEATS online; their tokens."""
    store_event(build_event(capacity=PEOPLE, online_capacity=SEATS))
    form = {"attendance": "location"}
    return [registration.register(SLUG, registration_form(**form), "nl").registration.token for _ in range(PEOPLE)]


def read_then_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each switch's first read of the meeting waits until every switch has read it (the test's own
    reads, on the main thread, do not)."""
    barrier = threading.Barrier(PEOPLE, timeout=60)
    waited = threading.local()
    read = EventStore.get

    def get(self: EventStore, slug: str) -> Any:
        event = read(self, slug)
        if threading.current_thread() is not threading.main_thread() and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return event

    monkeypatch.setattr(EventStore, "get", get)


def switch_everyone(tokens: list[str]) -> Counter[str]:
    def one(token: str) -> str:
        try:
            return moves.switch_attendance(token, "online").attendance
        except Conflict as refused:
            return "refused" if "geen plaats meer vrij" in refused.message else refused.message

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        return Counter(pool.map(in_this_network(one), tokens))


def stored_state() -> tuple[Counter[tuple[str, str]], int, int, int, int]:
    regs = registration_store().list_for_event(SLUG)
    event = present(event_store().get(SLUG))
    ways = Counter((str(r.attendance), str(r.status)) for r in regs)
    return ways, event.confirmed, event.confirmed_online, event.waiting, event.waiting_online


def figures_are_kept() -> bool:
    kept = Counter({name: n for name, n in event_store().figures(SLUG).items() if n})
    return kept == +attendance.count_slowly(SLUG)


def test_exactly_the_free_online_seats_are_taken_and_the_rest_keep_theirs(on_location, monkeypatch):
    read_then_wait(monkeypatch)

    outcomes = switch_everyone(on_location)

    assert outcomes == {"online": SEATS, "refused": PEOPLE - SEATS}
    ways, confirmed, confirmed_online, waiting, waiting_online = stored_state()
    assert ways == {("online", "confirmed"): SEATS, ("location", "confirmed"): PEOPLE - SEATS}
    assert (confirmed, confirmed_online, waiting, waiting_online) == (PEOPLE - SEATS, SEATS, 0, 0)
    assert figures_are_kept()


def test_negative_control_without_the_seat_condition_the_switches_overbook(on_location, monkeypatch):
    read_then_wait(monkeypatch)
    original = changes.switched_counters

    def unguarded(*args: Any, **kwargs: Any) -> TransactItem:
        counters = original(*args, **kwargs)
        update: dict[str, Any] = counters["Update"]  # type: ignore[assignment]
        update["ConditionExpression"] = update["ConditionExpression"].replace("#confirmed < #capacity", ":one = :one")
        for unused in ("#capacity", "#confirmed"):
            del update["ExpressionAttributeNames"][unused]
        return counters

    monkeypatch.setattr(changes, "switched_counters", unguarded)

    switch_everyone(on_location)

    ways, _confirmed, confirmed_online, _, _ = stored_state()
    assert ways[("online", "confirmed")] > SEATS  # the checks above would have failed
    assert confirmed_online > SEATS

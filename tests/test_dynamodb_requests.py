"""Requests the stores send are ones real DynamoDB accepts, where moto is more lenient.

DynamoDB refuses an empty ExpressionAttributeNames or ExpressionAttributeValues map
(moto checks that on single calls but not inside transactions), so every request of
the registration life cycle is captured and checked. The negative control sends the
maps even when empty, as an earlier version did, and the same check catches it.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import aws, dynamo
from chalicelib.registrations import service as registration
from tests.conftest import registration_form

MAPS = ("ExpressionAttributeNames", "ExpressionAttributeValues")


def empty_maps(params: Any, where: str = "") -> list[str]:
    """Every place in a request where one of the two maps is present but empty."""
    found = []
    if isinstance(params, dict):
        found += [f"{where}.{name}" for name in MAPS if name in params and not params[name]]
        for key, value in params.items():
            found += empty_maps(value, f"{where}.{key}")
    elif isinstance(params, list):
        for i, value in enumerate(params):
            found += empty_maps(value, f"{where}[{i}]")
    return found


def life_cycle(make_event: Any) -> list[str]:
    """Register, wait, cancel with and without someone waiting; the empty maps of every request sent."""
    found: list[str] = []

    def check(params: dict[str, Any], model: Any, **_: Any) -> None:
        found.extend(f"{model.name}{place}" for place in empty_maps(params))

    aws.dynamodb().meta.events.register("before-parameter-build.dynamodb.*", check)
    event = make_event(capacity=1)
    seated = registration.register(event.slug, registration_form(), "nl").registration
    waiting = registration.register(event.slug, registration_form(), "nl").registration
    last = registration.register(event.slug, registration_form(), "nl").registration
    registration.cancel(seated.token)  # the first in line gets the seat
    registration.cancel(last.token)  # leaves the waiting list
    registration.cancel(waiting.token)  # gives the seat back, nobody waits
    return found


def test_no_request_carries_an_empty_expression_map(make_event):
    assert life_cycle(make_event) == []


def test_negative_control_empty_maps_are_caught(make_event, monkeypatch):
    def always_both(expressions: tuple[str, ...], names: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
        used = dynamo.expression_attributes(expressions, names, values)
        return {"ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}} | used

    monkeypatch.setattr("chalicelib.registrations.store.expression_attributes", always_both)

    found = life_cycle(make_event)

    assert any(place.startswith("TransactWriteItems") and "ExpressionAttributeNames" in place for place in found)


@pytest.mark.parametrize(
    ("condition", "steps"),
    [
        ("#status = :published AND confirmed < #capacity", {"confirmed": 1}),
        ("#status = :published AND confirmed >= #capacity", {"waiting": 1}),
        ("waiting > :zero", {"waiting": -1}),
        ("confirmed > :zero", {"confirmed": -1}),
        ("confirmed < #capacity AND waiting > :zero", {"confirmed": 1, "waiting": -1}),
    ],
)
def test_every_counter_update_names_what_it_uses_and_nothing_else(condition, steps):
    from chalicelib.registrations.store import RegistrationStore

    update = RegistrationStore(None, "t")._counters("slug", condition, **steps)["Update"]
    text = update["UpdateExpression"] + " " + update["ConditionExpression"]
    for name in update.get("ExpressionAttributeNames", {}):
        assert name in text
    for value in update.get("ExpressionAttributeValues", {}):
        assert value in text
    assert empty_maps(update) == []

"""Requests the stores send are ones real DynamoDB accepts, where moto is more lenient.

DynamoDB refuses an empty ExpressionAttributeNames or ExpressionAttributeValues map, and
a name or value that no expression uses (moto checks empty maps on single calls but not
inside transactions), so every request of the registration life cycle is captured and checked.
The negative control sends every name and value the seat counters know, used or not, and
the same check catches it.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import aws, dynamo
from chalicelib.events.model import SEAT_ATTRIBUTES, AttendanceMode
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


EXPRESSIONS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)


def unused(params: Any, where: str = "") -> list[str]:
    """Every name or value in a request that none of its expressions uses."""
    found = []
    if isinstance(params, dict):
        text = " ".join(params.get(name, "") for name in EXPRESSIONS)
        for name in MAPS:
            found += [f"{where}.{name}.{key}" for key in params.get(name) or {} if key not in text]
        for key, value in params.items():
            found += unused(value, f"{where}.{key}")
    elif isinstance(params, list):
        for i, value in enumerate(params):
            found += unused(value, f"{where}[{i}]")
    return found


def life_cycle(make_event: Any, found: list[str]) -> list[str]:
    """Register, wait, cancel with and without someone waiting; the empty maps and unused names and
    values of every request sent, in `found`."""

    def check(params: dict[str, Any], model: Any, **_: Any) -> None:
        found.extend(f"{model.name}{place}" for place in empty_maps(params) + unused(params))

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
    assert life_cycle(make_event, []) == []


def test_negative_control_unused_names_are_caught(make_event, monkeypatch):
    def everything(expressions: tuple[str, ...], names: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
        return {"ExpressionAttributeNames": names, "ExpressionAttributeValues": dynamo.to_attrs(values)}

    monkeypatch.setattr("chalicelib.registrations.store.expression_attributes", everything)

    found: list[str] = []
    with pytest.raises(ClientError, match="unused"):  # moto refuses it too, once it is sent
        life_cycle(make_event, found)

    assert any(
        place.startswith("TransactWriteItems") and ".ExpressionAttributeNames.#waiting" in place for place in found
    )


@pytest.mark.parametrize("mode", list(AttendanceMode))
@pytest.mark.parametrize(
    ("condition", "steps"),
    [
        ("#status = :published AND #confirmed < #capacity", {"confirmed": 1}),
        ("#status = :published AND #confirmed >= #capacity", {"waiting": 1}),
        ("#waiting > :zero", {"waiting": -1}),
        ("#confirmed > :zero", {"confirmed": -1}),
        ("#confirmed < #capacity AND #waiting > :zero", {"confirmed": 1, "waiting": -1}),
    ],
)
def test_every_counter_update_names_what_it_uses_and_nothing_else(condition, steps, mode):
    from chalicelib.registrations.store import RegistrationStore

    update = RegistrationStore(None, "t")._counters("slug", condition, mode, **steps)["Update"]
    # the counters of the registration's own way, and no other
    assert set(update["ExpressionAttributeNames"].values()) - {"status"} <= set(SEAT_ATTRIBUTES[mode])
    text = update["UpdateExpression"] + " " + update["ConditionExpression"]
    for name in update.get("ExpressionAttributeNames", {}):
        assert name in text
    for value in update.get("ExpressionAttributeValues", {}):
        assert value in text
    assert empty_maps(update) == []

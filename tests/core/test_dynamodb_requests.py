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
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from tests.support.factories import registration_form

MAPS = ("ExpressionAttributeNames", "ExpressionAttributeValues")


def requests_parts(params: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every dict in a request (the request itself, each transaction item ...) with where it sits."""
    if isinstance(params, dict):
        return [(where, params), *(p for key, value in params.items() for p in requests_parts(value, f"{where}.{key}"))]
    if isinstance(params, list):
        return [p for i, value in enumerate(params) for p in requests_parts(value, f"{where}[{i}]")]
    return []


def empty_maps(params: Any) -> list[str]:
    """Every place in a request where one of the two maps is present but empty."""
    return [
        f"{where}.{name}" for where, part in requests_parts(params) for name in MAPS if name in part and not part[name]
    ]


EXPRESSIONS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)


def unused(params: Any) -> list[str]:
    """Every name or value in a request that none of its expressions uses."""
    found = []
    for where, part in requests_parts(params):
        text = " ".join(part.get(name, "") for name in EXPRESSIONS)
        found += [f"{where}.{name}.{key}" for name in MAPS for key in part.get(name) or {} if key not in text]
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
    moves.cancel(seated.token)  # the first in line gets the seat
    moves.cancel(last.token)  # leaves the waiting list
    moves.cancel(waiting.token)  # gives the seat back, nobody waits
    return found


def test_no_request_carries_an_empty_expression_map(make_event):
    assert life_cycle(make_event, []) == []


def test_negative_control_unused_names_are_caught(make_event, monkeypatch):
    def everything(expressions: tuple[str, ...], names: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
        return {"ExpressionAttributeNames": names, "ExpressionAttributeValues": dynamo.to_attrs(values)}

    monkeypatch.setattr("chalicelib.registrations.changes.expression_attributes", everything)

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
    from chalicelib.registrations import changes

    update = changes.counters("t", "slug", condition, mode, **steps)["Update"]
    # the counters of the registration's own way, and no other
    assert set(update["ExpressionAttributeNames"].values()) - {"status"} <= set(SEAT_ATTRIBUTES[mode])
    text = update["UpdateExpression"] + " " + update["ConditionExpression"]
    for name in update.get("ExpressionAttributeNames", {}):
        assert name in text
    for value in update.get("ExpressionAttributeValues", {}):
        assert value in text
    assert empty_maps(update) == []

"""The parts of the transactions that change registrations: seat counters, a new status with the
list place that goes with it, leaving the waiting list, the overview's figures. Each carries a
condition on the state that was read, so that a concurrent change makes the whole transaction fail
(StaleRegistration) rather than half-apply. `registrations/seats.py` puts them together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict

from chalicelib.core.dynamo import TransactItem, expression_attributes, primary_key, to_attrs
from chalicelib.core.keys import EVENT_SK, event_pk, figures_sk
from chalicelib.events.model import SEAT_ATTRIBUTES, AttendanceMode, EventStatus
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import UniversalAttributeValueTypeDef


def set_status(table: str, reg: Registration, status: str, was: str, at: str | None) -> TransactItem:
    """A registration's new status, and its place in the organisers' list with it."""
    moved = replace(reg, status=RegistrationStatus(status))
    # a registration that changes status holds no workshop seats afterwards (promoted ones choose theirs)
    update = "SET #status = :new, GSI1SK = :listed, GSI3SK = :by_surname REMOVE wait_key, workshops, workshops_attended"
    values: dict[str, object] = {
        ":new": status,
        ":was": was,
        ":listed": moved.list_key(),
        ":by_surname": moved.surname_list_key(),
        ":was_listed": reg.list_key(),
    }
    if at:
        update = (
            "SET #status = :new, GSI1SK = :listed, GSI3SK = :by_surname, cancelled_at = :at"
            " REMOVE wait_key, workshops, workshops_attended"
        )
        values[":at"] = at
    condition, names, held = holding(reg)
    return {
        "Update": {
            "TableName": table,
            "Key": primary_key(event_pk(reg.event_slug), reg.sk),
            "UpdateExpression": update,
            "ConditionExpression": f"#status = :was AND GSI1SK = :was_listed AND {condition}",
            "ExpressionAttributeNames": {"#status": "status", **names},
            "ExpressionAttributeValues": to_attrs(values | held),
        }
    }


def leave_queue(table: str, reg: Registration) -> TransactItem:
    return {
        "Delete": {
            "TableName": table,
            "Key": primary_key(event_pk(reg.event_slug), reg.wait_key),
            "ConditionExpression": "attribute_exists(PK)",
        }
    }


def figure_changes(table: str, slug: str, figures: Counter[str]) -> list[TransactItem]:
    """The overview's figures changed by these steps (none when nothing changes), for the same transaction."""
    by_item: dict[str, dict[str, int]] = {}
    for name, step in figures.items():
        if step:
            by_item.setdefault(figures_sk(name), {})[name] = step
    return [
        {
            "Update": {
                "TableName": table,
                "Key": primary_key(event_pk(slug), sk),
                "UpdateExpression": "ADD " + ", ".join(f"#f{i} :f{i}" for i in range(len(steps))),
                "ExpressionAttributeNames": {f"#f{i}": name for i, name in enumerate(steps)},
                "ExpressionAttributeValues": to_attrs({f":f{i}": step for i, step in enumerate(steps.values())}),
            }
        }
        for sk, steps in by_item.items()
    ]


def counters(
    table: str,
    slug: str,
    condition: str,
    mode: AttendanceMode,
    *,
    confirmed: int = 0,
    waiting: int = 0,
    workshops: dict[str, int] | None = None,
) -> TransactItem:
    """The one way an event's seat counters change: those of one way of taking part (`#capacity`,
    `#confirmed`, `#waiting` in `condition` are its own), by these steps, under `condition`, in a
    transaction; with the workshop seats `workshops` (workshop key to +1 or -1): a seat is taken only
    while the workshop has one left."""
    steps = {"confirmed": confirmed, "waiting": waiting}
    parts = [f"#{name} = #{name} + :{name}" for name, step in steps.items() if step]
    workshop_names, workshop_values = {}, {}
    for i, (key, step) in enumerate(sorted((workshops or {}).items())):
        name, value = f"#workshop{i}", f":workshop{i}"
        workshop_names[name], workshop_values[value] = key, step
        parts.append(f"workshops_taken.{name} = if_not_exists(workshops_taken.{name}, :zero) + {value}")
        if step > 0:
            condition += (
                f" AND attribute_exists(workshop_seats.{name}) AND (attribute_not_exists(workshops_taken.{name})"
                f" OR workshops_taken.{name} < workshop_seats.{name})"
            )
        else:
            condition += f" AND workshops_taken.{name} > :zero"
    update = "SET " + ", ".join(parts)
    capacity, confirmed_name, waiting_name = SEAT_ATTRIBUTES[mode]
    return {
        "Update": {
            "TableName": table,
            "Key": primary_key(event_pk(slug), EVENT_SK),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            **expression_attributes(
                (update, condition),
                # status and capacity are DynamoDB reserved words
                names={
                    "#status": "status",
                    "#capacity": capacity,
                    "#confirmed": confirmed_name,
                    "#waiting": waiting_name,
                    **workshop_names,
                },
                values={
                    ":confirmed": confirmed,
                    ":waiting": waiting,
                    ":published": EventStatus.PUBLISHED,
                    ":zero": 0,
                    **workshop_values,
                },
            ),
        }
    }


def switched_counters(
    table: str, slug: str, leaves: tuple[AttendanceMode, str], joins: tuple[AttendanceMode, str], freed: list[str]
) -> TransactItem:
    """The seat counters of a switch between the ways of taking part, in one update of the event (a
    transaction may touch an item once): one counter of the way it leaves goes down ("confirmed" for
    a seat nobody waits for, else "waiting"), one of the way it joins goes up: "confirmed" only while
    that way has a seat left, "waiting" only while it has none, as for a new registration. The
    workshop seats it held (`freed`) go back."""
    (source, left), (target, joined) = leaves, joins
    roles = ("capacity", "confirmed", "waiting")
    source_names = dict(zip(roles, SEAT_ATTRIBUTES[source], strict=True))
    target_names = dict(zip(roles, SEAT_ATTRIBUTES[target], strict=True))
    parts = ["#left = #left - :one", "#joined = #joined + :one"]
    seat = "#confirmed < #capacity" if joined == "confirmed" else "#confirmed >= #capacity"
    condition = f"#status = :published AND #left > :zero AND {seat}"
    workshop_names = {f"#workshop{i}": key for i, key in enumerate(sorted(freed))}
    for name in workshop_names:
        parts.append(f"workshops_taken.{name} = workshops_taken.{name} - :one")
        condition += f" AND workshops_taken.{name} > :zero"
    update = "SET " + ", ".join(parts)
    return {
        "Update": {
            "TableName": table,
            "Key": primary_key(event_pk(slug), EVENT_SK),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            **expression_attributes(
                (update, condition),
                names={
                    "#status": "status",
                    "#left": source_names[left],
                    "#joined": target_names[joined],
                    "#capacity": target_names["capacity"],
                    "#confirmed": target_names["confirmed"],
                    **workshop_names,
                },
                values={":published": EventStatus.PUBLISHED, ":zero": 0, ":one": 1},
            ),
        }
    }


def holding(reg: Registration) -> tuple[str, dict[str, str], dict[str, object]]:
    """A condition that the registration holds exactly the workshop seats it was read with (so that a
    change and a cancellation never both free the same seat), with its names and values."""
    if not reg.workshops:
        return "(attribute_not_exists(workshops) OR size(workshops) = :no_rounds)", {}, {":no_rounds": 0}
    names = {f"#round{i}": position for i, position in enumerate(sorted(reg.workshops))}
    values: dict[str, object] = {":rounds": len(reg.workshops)}
    clauses = ["size(workshops) = :rounds"]
    for name, position in names.items():
        values[f":held_{name[1:]}"] = reg.workshops[position]
        clauses.append(f"workshops.{name} = :held_{name[1:]}")
    return " AND ".join(clauses), names, values


def moved(reg: Registration, **change: Any) -> Counter[str]:
    """How the overview's figures change when `reg` changes as given (status, check-in)."""
    figures = reg.figures(-1)
    figures.update(replace(reg, **change).figures())
    return figures


class Condition(TypedDict, total=False, closed=True):
    """A Put's condition, with the names and values it uses."""

    ConditionExpression: str
    ExpressionAttributeNames: Mapping[str, str]
    ExpressionAttributeValues: Mapping[str, UniversalAttributeValueTypeDef]


def expecting(replaces: Registration | None) -> Condition:
    """The condition of a registration's Put: no registration yet, or exactly the cancelled one it replaces."""
    if replaces is None:
        return {"ConditionExpression": "attribute_not_exists(PK)"}
    return {
        "ConditionExpression": "#status = :cancelled AND created_at = :was_created",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": to_attrs(
            {":cancelled": RegistrationStatus.CANCELLED, ":was_created": replaces.created_at.isoformat()}
        ),
    }

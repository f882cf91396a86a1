"""Repository for registrations, their waiting list and personal links.

Every change of seats is one DynamoDB transaction whose condition on the
event's counters makes overbooking impossible, however many Lambdas race.
Conditional failures become the domain signals below at this boundary.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.audit.store import audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    cancellation_codes,
    expression_attributes,
    from_attrs,
    is_cancelled,
    is_condition_failed,
    primary_key,
    query_all,
    to_attrs,
)
from chalicelib.core.keys import (
    ANONYMISED_PREFIX,
    EVENT_SK,
    REG_PREFIX,
    TOKEN_SK,
    WAIT_PREFIXES,
    event_pk,
    figures_sk,
    person_index,
    registrations_index,
    stats_shards,
    token_pk,
)
from chalicelib.core.paging import Page, query_page
from chalicelib.events.model import SEAT_ATTRIBUTES, AttendanceMode, EventStatus
from chalicelib.events.parts import workshop_key
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration


class SeatsTaken(Exception):
    """The last seat went while we were deciding; the registration should wait."""


class SeatAvailable(Exception):
    """A seat came free while we were deciding; the registration should be confirmed."""


class WorkshopFull(Exception):
    """The last seat of a chosen workshop went while we were deciding (or the workshop went)."""

    def __init__(self, position: str) -> None:
        super().__init__(f"a workshop of round {position} is full")
        self.position = position


class EventNotOpen(Exception):
    """The event was cancelled or unpublished in the meantime."""


class StaleRegistration(Exception):
    """The registration or the waiting list changed under us; read again and retry."""


class DuplicateRegistration(Exception):
    def __init__(self, existing: Registration) -> None:
        super().__init__("already registered")
        self.existing = existing


class RegistrationStore:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    # -- creating -------------------------------------------------------

    def add_confirmed(self, reg: Registration) -> None:
        """Take a seat of the registration's way of taking part (on location or online), if one is left."""
        condition = "#status = :published AND #confirmed < #capacity"
        workshops = dict.fromkeys(reg.workshop_keys, 1)
        counter = self._counters(reg.event_slug, condition, reg.attendance, confirmed=1, workshops=workshops)
        self._create(reg, [counter], SeatsTaken)

    def add_waiting(self, reg: Registration) -> None:
        """Join the waiting list of the registration's way of taking part, but only while that is really
        full. A workshop is chosen once a seat is given, so the waiting list holds none."""
        reg.status, reg.wait_key, reg.workshops = RegistrationStatus.WAITING, reg.new_wait_key(), {}
        condition = "#status = :published AND #confirmed >= #capacity"
        counter = self._counters(reg.event_slug, condition, reg.attendance, waiting=1)
        entry = {
            "Put": {
                "TableName": self._table,
                "Item": to_attrs(
                    {"PK": event_pk(reg.event_slug), "SK": reg.wait_key, "type": "wait", "reg_sk": reg.sk}
                ),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        self._create(reg, [counter, entry], full_signal=SeatAvailable)

    def _create(
        self,
        reg: Registration,
        counters: list[dict[str, Any]],
        full_signal: type[Exception],
        replaces: Registration | None = None,
    ) -> None:
        """The registration, its link, the seat counters and the overview's figures in one transaction.

        Someone who cancelled may register again: the first try expects no registration, and
        when the one that is there turns out cancelled, a second try replaces exactly that one and
        takes its figures out of the overview.
        """
        figures = reg.figures()
        if replaces is not None:
            figures.update(replaces.figures(-1))
        items = [
            *counters,
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_attrs(reg.to_item()),
                    **_expecting(replaces),
                    # the existing registration comes back with the failure: no extra read
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_attrs(
                        {
                            "PK": token_pk(reg.token),
                            "SK": TOKEN_SK,
                            "type": "token",
                            "event_slug": reg.event_slug,
                            "reg_sk": reg.sk,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            *self._figures(reg.event_slug, figures),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not is_cancelled(error):
                raise
            reason = error.response.get("CancellationReasons", [])[len(counters)]
            if reason.get("Code") != "ConditionalCheckFailed":
                if cancellation_codes(error)[0] == "ConditionalCheckFailed":
                    raise self._why_counter_failed(reg, full_signal) from error
                raise StaleRegistration() from error
            existing = Registration.from_item(from_attrs(reason["Item"])) if reason.get("Item") else None
            if existing is None:  # the cancelled one we meant to replace is gone: the service tries again
                raise StaleRegistration() from error
            if existing.status != RegistrationStatus.CANCELLED or replaces is not None:
                raise DuplicateRegistration(existing) from error
            self._create(reg, counters, full_signal, replaces=existing)

    def _why_counter_failed(self, reg: Registration, full_signal: type[Exception]) -> Exception:
        response = self._client.get_item(
            TableName=self._table,
            Key=primary_key(event_pk(reg.event_slug), EVENT_SK),
            ProjectionExpression="#status, workshop_seats, workshops_taken",
            ExpressionAttributeNames={"#status": "status"},
            ConsistentRead=True,
        )
        stored = from_attrs(response.get("Item", {}))
        if stored.get("status") != EventStatus.PUBLISHED:
            return EventNotOpen()
        seats, taken = stored.get("workshop_seats", {}), stored.get("workshops_taken", {})
        for position, workshop_id in reg.workshops.items():
            key = workshop_key(int(position), workshop_id)
            if taken.get(key, 0) >= seats.get(key, 0):
                return WorkshopFull(position)
        return full_signal()

    # -- reading --------------------------------------------------------

    def by_token(self, token: str) -> Registration | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(token_pk(token), TOKEN_SK), ConsistentRead=True
        )
        link = response.get("Item")
        if not link:
            return None
        pointer = from_attrs(link)
        return self.get(pointer["event_slug"], pointer["reg_sk"])

    def get(self, slug: str, reg_sk: str) -> Registration | None:
        response = self._client.get_item(
            TableName=self._table, Key=primary_key(event_pk(slug), reg_sk), ConsistentRead=True
        )
        item = response.get("Item")
        return Registration.from_item(from_attrs(item)) if item else None

    def waiting_position(self, reg: Registration) -> int:
        """1 for the first in line; counts the entries up to and including this one."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :me",
            ExpressionAttributeValues=to_attrs(
                {
                    ":pk": event_pk(reg.event_slug),
                    ":first": WAIT_PREFIXES[reg.attendance],
                    ":me": reg.wait_key,
                }
            ),
            Select="COUNT",
            ConsistentRead=True,
        )
        return int(response["Count"])

    def first_waiting(self, slug: str, mode: AttendanceMode) -> Registration | None:
        """The first in line for a seat of this way of taking part."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :wait)",
            ExpressionAttributeValues=to_attrs({":pk": event_pk(slug), ":wait": WAIT_PREFIXES[mode]}),
            Limit=1,
            ConsistentRead=True,
        )
        if not response["Items"]:
            return None
        return self.get(slug, from_attrs(response["Items"][0])["reg_sk"])

    def listed(
        self, slug: str, standing: str, name_start: str, limit: int, cursor: str | None, by_surname: bool = False
    ) -> Page[Registration]:
        """One page of an event's registrations in a standing ("": all, by standing and then name) whose
        name key (or, `by_surname`, surname key) starts with `name_start` (only within a standing): one
        Query of GSI1 (GSI3 by surname)."""
        index, sort_key = ("GSI3", "GSI3SK") if by_surname else ("GSI1", "GSI1SK")
        start = f"{standing}#{name_start}" if standing else ""
        condition = "GSI1PK = :pk" + (f" AND begins_with({sort_key}, :start)" if start else "")
        values = {":pk": registrations_index(slug), **({":start": start} if start else {})}
        params = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_attrs(values),
        }
        items, after = query_page(self._client, params, limit, cursor, scope=f"registrations#{slug}#{index}#{start}")
        return Page([Registration.from_item(item) for item in items], after)

    def relist(self, reg: Registration) -> None:
        """Give a registration its place in the organisers' list (for registrations from before the list had one)."""
        self._client.update_item(
            TableName=self._table,
            Key=primary_key(event_pk(reg.event_slug), reg.sk),
            UpdateExpression="SET GSI1PK = :pk, GSI1SK = :listed, GSI3SK = :by_surname",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=to_attrs(
                {
                    ":pk": registrations_index(reg.event_slug),
                    ":listed": reg.list_key(),
                    ":by_surname": reg.surname_list_key(),
                }
            ),
        )

    def put_figures(self, slug: str, figures: Counter[str]) -> None:
        """Replace the figures with a count done the slow way (`manage.py recount`): every shard, empty ones too."""
        items: dict[str, dict[str, Any]] = {sk: {} for sk in stats_shards()}
        for name, n in figures.items():
            if n:
                items[figures_sk(name)][name] = n
        for sk, counts in items.items():
            self._client.put_item(TableName=self._table, Item=to_attrs({"PK": event_pk(slug), "SK": sk, **counts}))

    def list_for_event(self, slug: str) -> list[Registration]:
        """All registrations of an event, for the workers (exports, mail jobs, retention); paginates."""
        items = query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :reg)",
            ExpressionAttributeValues=to_attrs({":pk": event_pk(slug), ":reg": REG_PREFIX}),
            ConsistentRead=True,
        )
        return [Registration.from_item(i) for i in items]

    def for_email(self, email: str) -> list[Registration]:
        """A person's registrations across events (GSI2), newest event first."""
        items = query_all(
            self._client,
            TableName=self._table,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues=to_attrs({":pk": person_index(email)}),
            ScanIndexForward=False,
        )
        return [Registration.from_item(i) for i in items]

    # -- reminders and retention ----------------------------------------

    def set_reminded(self, slug: str, key: str, at: str) -> None:
        """Note that a registration (by its key) got its reminder; gone meanwhile (anonymised) is fine."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=primary_key(event_pk(slug), REG_PREFIX + key),
                UpdateExpression="SET reminded_at = :at",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_attrs({":at": at}),
            )
        except ClientError as error:
            if not is_condition_failed(error):
                raise

    def anonymise(self, reg: Registration, at: str) -> None:
        """Replace a registration by one without name, address, remarks, answers or link, under a random
        key (the old key is a hash of the address); status, organisation, role and the figure names of
        its fixed answers stay for counts."""
        kept = {
            "PK": event_pk(reg.event_slug),
            "SK": f"{ANONYMISED_PREFIX}{secrets.token_hex(8)}",
            "type": "registration_anonymised",
            "status": reg.status,
            "organisation": reg.organisation,
            "role": reg.role,
            "created_at": reg.created_at.isoformat(),
            "anonymised_at": at,
            # checked in or not: the overview's figures count it either way
            **({"attended_at": reg.attended_at.isoformat()} if reg.attended_at else {}),
            # the figure names its answers added (fixed answers only, never free text), for a recount
            **({"counted": list(reg.counted)} if reg.counted else {}),
        }
        pk = event_pk(reg.event_slug)
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": primary_key(pk, reg.sk),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
            {"Put": {"TableName": self._table, "Item": to_attrs(kept)}},
            {"Delete": {"TableName": self._table, "Key": primary_key(token_pk(reg.token), TOKEN_SK)}},
        ]
        if reg.wait_key:
            items.append({"Delete": {"TableName": self._table, "Key": primary_key(pk, reg.wait_key)}})
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not is_cancelled(error):  # cancelled: another run anonymised it first
                raise

    # -- cancelling -----------------------------------------------------

    def cancel(
        self, reg: Registration, cancelled_at: str, promote: Registration | None, audit: dict[str, Any] | None = None
    ) -> None:
        """Cancel `reg`; if it held a seat, hand that seat to `promote` (first in line for the same way of
        taking part) in the same transaction.

        Every item carries a condition on the state we read, so a concurrent
        cancel or promotion makes this fail as StaleRegistration, never half-apply.
        """
        was, mode = reg.status, reg.attendance
        items: list[dict[str, Any]] = [self._set_status(reg, RegistrationStatus.CANCELLED, was, cancelled_at)]
        figures = _moved(reg, status=RegistrationStatus.CANCELLED)
        if was == RegistrationStatus.WAITING:
            items.append(self._leave_queue(reg))
            items.append(self._counters(reg.event_slug, "#waiting > :zero", mode, waiting=-1))
        elif promote is None:
            freed = dict.fromkeys(reg.workshop_keys, -1)
            items.append(self._counters(reg.event_slug, "#confirmed > :zero", mode, confirmed=-1, workshops=freed))
        else:
            items.append(self._set_status(promote, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, None))
            items.append(self._leave_queue(promote))
            # the seat goes to the first in line, who chooses workshops of their own: the canceller's are free
            freed = dict.fromkeys(reg.workshop_keys, -1)
            items.append(self._counters(reg.event_slug, "#waiting > :zero", mode, waiting=-1, workshops=freed))
            figures.update(_moved(promote, status=RegistrationStatus.CONFIRMED))
        self._transact([*items, *self._figures(reg.event_slug, figures)], audit)

    def _transact(self, items: list[dict[str, Any]], audit: dict[str, Any] | None) -> None:
        if audit:
            items.append(audit_put(self._table, audit))
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if is_cancelled(error):
                raise StaleRegistration() from error
            raise

    # -- organisers -----------------------------------------------------

    def promote(self, reg: Registration, audit: dict[str, Any]) -> None:
        """Give a waiting registration a seat, if there is one (SeatsTaken if not)."""
        items = [
            self._set_status(reg, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, None),
            self._leave_queue(reg),
            self._counters(
                reg.event_slug, "#confirmed < #capacity AND #waiting > :zero", reg.attendance, confirmed=1, waiting=-1
            ),
            *self._figures(reg.event_slug, _moved(reg, status=RegistrationStatus.CONFIRMED)),
        ]
        try:
            self._transact(items, audit)
        except StaleRegistration as stale:
            if self.get(reg.event_slug, reg.sk) == reg:
                raise SeatsTaken() from stale  # the registration is as read: the seats are the problem
            raise

    def change_workshops(self, reg: Registration, chosen: dict[str, int]) -> None:
        """Move a confirmed registration's workshop seats to `chosen` (round position to workshop id), in
        one transaction: the seats it leaves are freed, those it joins taken while one is left.
        WorkshopFull when a chosen workshop filled up meanwhile, StaleRegistration when the
        registration changed (cancelled, or another choice saved first)."""
        held, wanted = set(reg.workshop_keys), {workshop_key(int(p), s) for p, s in chosen.items()}
        steps = {**dict.fromkeys(held - wanted, -1), **dict.fromkeys(wanted - held, 1)}
        if not steps:
            return
        counter = self._counters(reg.event_slug, "#status = :published", reg.attendance, workshops=steps)
        # the choices as read: a second save from an old page cannot free seats twice
        holding, names, as_read = _holding(reg)
        names["#status"] = "status"
        values: dict[str, Any] = {":confirmed": RegistrationStatus.CONFIRMED, ":chosen": chosen, **as_read}
        update = "SET workshops = :chosen"
        left = held - wanted
        if left:  # a check-in at a workshop they leave goes with its seat
            update += " DELETE workshops_attended :left"
            values[":left"] = left
        registration = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": update,
                "ConditionExpression": f"#status = :confirmed AND {holding}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": to_attrs(values),
            }
        }
        try:
            self._client.transact_write_items(TransactItems=[counter, registration])
        except ClientError as error:
            if not is_cancelled(error):
                raise
            if cancellation_codes(error)[0] == "ConditionalCheckFailed":
                joined = {p: s for p, s in chosen.items() if reg.workshops.get(p) != s}
                raise self._why_counter_failed(replace(reg, workshops=joined), StaleRegistration) from error
            raise StaleRegistration() from error

    def set_attended(self, reg: Registration, at: str | None, audit: dict[str, Any]) -> None:
        """Check a confirmed registration in (at) or undo it (None)."""
        after = replace(reg, attended_at=datetime.fromisoformat(at) if at else None)
        # not at the meeting is at none of its workshops: undoing at the door undoes those too
        update = "SET GSI1SK = :listed, GSI3SK = :by_surname" + (
            ", attended_at = :at" if at else " REMOVE attended_at, workshops_attended"
        )
        values: dict[str, Any] = {
            ":confirmed": RegistrationStatus.CONFIRMED,
            ":listed": after.list_key(),
            ":by_surname": after.surname_list_key(),
            ":was_listed": reg.list_key(),
        }
        if at:
            values[":at"] = at
        item = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": update,
                "ConditionExpression": "#status = :confirmed AND GSI1SK = :was_listed",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_attrs(values),
            }
        }
        self._transact([item, *self._figures(reg.event_slug, _moved(reg, attended_at=after.attended_at))], audit)

    def set_workshop_attended(self, reg: Registration, key: str, attended: bool, audit: dict[str, Any]) -> None:
        """Check someone in at the workshop they hold a seat in (workshop `key`), or undo it: one String
        Set, so doing it twice changes nothing. StaleRegistration if they no longer hold that seat."""
        position, workshop_id = key.split("-")
        item = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": f"{'ADD' if attended else 'DELETE'} workshops_attended :one",
                "ConditionExpression": "#status = :confirmed AND workshops.#round = :chosen",
                "ExpressionAttributeNames": {"#status": "status", "#round": position},
                "ExpressionAttributeValues": to_attrs(
                    {":confirmed": RegistrationStatus.CONFIRMED, ":chosen": int(workshop_id), ":one": {key}}
                ),
            }
        }
        self._transact([item], audit)

    def for_recount(self, slug: str) -> list[dict[str, Any]]:
        """Registrations with and without personal data (ANON# < REG#), for a count the slow way."""
        return query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :anon AND :reg",
            ExpressionAttributeValues=to_attrs(
                {
                    ":pk": event_pk(slug),
                    ":anon": ANONYMISED_PREFIX,
                    ":reg": REG_PREFIX + "~",
                }
            ),
        )

    def _set_status(self, reg: Registration, status: str, was: str, at: str | None) -> dict[str, Any]:
        """A registration's new status, and its place in the organisers' list with it."""
        moved = replace(reg, status=RegistrationStatus(status))
        # a registration that changes status holds no workshop seats afterwards (promoted ones choose theirs)
        update = (
            "SET #status = :new, GSI1SK = :listed, GSI3SK = :by_surname REMOVE wait_key, workshops, workshops_attended"
        )
        values: dict[str, Any] = {
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
        holding, names, held = _holding(reg)
        return {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": update,
                "ConditionExpression": f"#status = :was AND GSI1SK = :was_listed AND {holding}",
                "ExpressionAttributeNames": {"#status": "status", **names},
                "ExpressionAttributeValues": to_attrs(values | held),
            }
        }

    def _leave_queue(self, reg: Registration) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.wait_key),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }

    def _figures(self, slug: str, figures: Counter[str]) -> list[dict[str, Any]]:
        """The overview's figures changed by these steps (none when nothing changes), for the same transaction."""
        by_item: dict[str, dict[str, int]] = {}
        for name, step in figures.items():
            if step:
                by_item.setdefault(figures_sk(name), {})[name] = step
        return [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": primary_key(event_pk(slug), sk),
                    "UpdateExpression": "ADD " + ", ".join(f"#f{i} :f{i}" for i in range(len(steps))),
                    "ExpressionAttributeNames": {f"#f{i}": name for i, name in enumerate(steps)},
                    "ExpressionAttributeValues": to_attrs({f":f{i}": step for i, step in enumerate(steps.values())}),
                }
            }
            for sk, steps in by_item.items()
        ]

    def _counters(
        self,
        slug: str,
        condition: str,
        mode: AttendanceMode,
        *,
        confirmed: int = 0,
        waiting: int = 0,
        workshops: dict[str, int] | None = None,
    ) -> dict[str, Any]:
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
                "TableName": self._table,
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


def _holding(reg: Registration) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A condition that the registration holds exactly the workshop seats it was read with (so that a
    change and a cancellation never both free the same seat), with its names and values."""
    if not reg.workshops:
        return "(attribute_not_exists(workshops) OR size(workshops) = :no_rounds)", {}, {":no_rounds": 0}
    names = {f"#round{i}": position for i, position in enumerate(sorted(reg.workshops))}
    values: dict[str, Any] = {":rounds": len(reg.workshops)}
    clauses = ["size(workshops) = :rounds"]
    for name, position in names.items():
        values[f":held_{name[1:]}"] = reg.workshops[position]
        clauses.append(f"workshops.{name} = :held_{name[1:]}")
    return " AND ".join(clauses), names, values


def _moved(reg: Registration, **change: Any) -> Counter[str]:
    """How the overview's figures change when `reg` changes as given (status, check-in)."""
    figures = reg.figures(-1)
    figures.update(replace(reg, **change).figures())
    return figures


def _expecting(replaces: Registration | None) -> dict[str, Any]:
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


def registration_store() -> RegistrationStore:
    """Registrations, waiting lists and personal links in this process's table."""
    return RegistrationStore(aws.dynamodb(), config.table_name())

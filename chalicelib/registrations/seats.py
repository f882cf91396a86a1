"""The transactions that move seats: registering (a seat, or a place on the waiting list), cancelling
with the freed seat handed on, promoting, changing workshops, and checking in at the door.

Every change of seats is one DynamoDB transaction whose condition on the event's counters makes
overbooking impossible, however many Lambdas race. Conditional failures become the domain signals
below at this boundary; `registrations/service.py` decides what to try next.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from botocore.exceptions import ClientError

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    TableStore,
    TransactItem,
    cancellation_codes,
    from_attrs,
    is_cancelled,
    old_item,
    primary_key,
    refused_as,
    to_attrs,
)
from chalicelib.core.idempotency import Keyed, Mail, record_put, repeated_in
from chalicelib.core.keys import EVENT_SK, TOKEN_SK, event_pk, token_pk
from chalicelib.events.model import EventStatus
from chalicelib.events.parts import workshop_key
from chalicelib.registrations import changes
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.store import registration_store


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


class SeatStore(TableStore):
    def add_confirmed(self, reg: Registration, request: Keyed | None = None) -> None:
        """Take a seat of the registration's way of taking part (on location or online), if one is left.
        With a one-time key, the key is recorded in the same transaction (Repeated if it was before)."""
        condition = "#status = :published AND #confirmed < #capacity"
        workshops = dict.fromkeys(reg.workshop_keys, 1)
        counter = changes.counters(
            self._table, reg.event_slug, condition, reg.attendance, confirmed=1, workshops=workshops
        )
        self._create(reg, [counter], SeatsTaken, request)

    def add_waiting(self, reg: Registration, request: Keyed | None = None) -> None:
        """Join the waiting list of the registration's way of taking part, but only while that is really
        full. A workshop is chosen once a seat is given, so the waiting list holds none."""
        reg.status, reg.wait_key, reg.workshops = RegistrationStatus.WAITING, reg.new_wait_key(), {}
        condition = "#status = :published AND #confirmed >= #capacity"
        counter = changes.counters(self._table, reg.event_slug, condition, reg.attendance, waiting=1)
        entry: TransactItem = {
            "Put": {
                "TableName": self._table,
                "Item": to_attrs(
                    {"PK": event_pk(reg.event_slug), "SK": reg.wait_key, "type": "wait", "reg_sk": reg.sk}
                ),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        self._create(reg, [counter, entry], SeatAvailable, request)

    def _create(
        self,
        reg: Registration,
        counters: list[TransactItem],
        full_signal: type[Exception],
        request: Keyed | None,
        replaces: Registration | None = None,
    ) -> None:
        """The registration, its link, the seat counters and the overview's figures in one transaction,
        with the request's one-time key first (its confirmation mail pending, held by this request).

        Someone who cancelled may register again: the first try expects no registration, and
        when the one that is there turns out cancelled, a second try replaces exactly that one and
        takes its figures out of the overview.
        """
        figures = reg.figures()
        if replaces is not None:
            figures.update(replaces.figures(-1))
        key = [record_put(self._table, request, "confirmation", Mail.PENDING, reg.created_at)] if request else []
        items: list[TransactItem] = [
            *key,
            *counters,
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_attrs(reg.to_item()),
                    **changes.expecting(replaces),
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
            *changes.figure_changes(self._table, reg.event_slug, figures),
        ]
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not is_cancelled(error):
                raise
            existing = self._found(error, reg, full_signal, keyed=bool(key), counters=len(counters))
            if existing.status != RegistrationStatus.CANCELLED or replaces is not None:
                raise DuplicateRegistration(existing) from error
            self._create(reg, counters, full_signal, request, replaces=existing)

    def _found(
        self, error: ClientError, reg: Registration, full_signal: type[Exception], keyed: bool, counters: int
    ) -> Registration:
        """The registration stored under the address, when that is why the transaction was refused;
        else the signal of why it was (in the order of its writes: the key, the counters, the registration)."""
        if keyed and (repeat := repeated_in(error, 0)):
            raise repeat from error
        codes, registration = cancellation_codes(error), int(keyed) + counters
        if codes[registration] != "ConditionalCheckFailed":
            if codes[int(keyed)] == "ConditionalCheckFailed":
                raise self._why_counter_failed(reg, full_signal) from error
            raise StaleRegistration() from error
        stored = old_item(error, registration)
        if not stored:  # the cancelled one we meant to replace is gone: the service tries again
            raise StaleRegistration() from error
        return Registration.from_item(stored)

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

    # -- leaving a seat or a place in line --------------------------------

    def release(
        self,
        reg: Registration,
        status: RegistrationStatus,
        at: str,
        promote: Registration | None,
        audit: AuditChange | None = None,
        request: Keyed | None = None,
    ) -> None:
        """Give `reg` a status that holds neither a seat nor a place in line (cancelled); if it held a
        seat, hand that seat to `promote` (first in line for the same way of taking part) in the same
        transaction, with the request's one-time key, if it sent one.

        Every item carries a condition on the state we read, so a concurrent
        cancel or promotion makes this fail as StaleRegistration, never half-apply.
        """
        was, mode = reg.status, reg.attendance
        items: list[TransactItem] = [changes.set_status(self._table, reg, status, was, at)]
        figures = changes.moved(reg, status=status)
        if was == RegistrationStatus.WAITING:
            items.append(changes.leave_queue(self._table, reg))
            items.append(changes.counters(self._table, reg.event_slug, "#waiting > :zero", mode, waiting=-1))
        elif promote is None:
            freed = dict.fromkeys(reg.workshop_keys, -1)
            items.append(
                changes.counters(self._table, reg.event_slug, "#confirmed > :zero", mode, confirmed=-1, workshops=freed)
            )
        else:
            items.append(
                changes.set_status(self._table, promote, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, None)
            )
            items.append(changes.leave_queue(self._table, promote))
            # the seat goes to the first in line, who chooses workshops of their own: the canceller's are free
            freed = dict.fromkeys(reg.workshop_keys, -1)
            items.append(
                changes.counters(self._table, reg.event_slug, "#waiting > :zero", mode, waiting=-1, workshops=freed)
            )
            figures.update(changes.moved(promote, status=RegistrationStatus.CONFIRMED))
        if request:  # its mails are not kept track of: a repeat answers as the first did and mails nothing
            items.append(record_put(self._table, request, "cancelled", Mail.SENT, datetime.fromisoformat(at)))
        self._transact([*items, *changes.figure_changes(self._table, reg.event_slug, figures)], audit)

    def _transact(self, items: list[TransactItem], audit: AuditChange | None) -> None:
        if audit:
            items.append(audit_put(self._table, audit))
        with refused_as(StaleRegistration):
            self._client.transact_write_items(TransactItems=items)

    # -- organisers -----------------------------------------------------

    def promote(self, reg: Registration, audit: AuditChange | None) -> None:
        """Give a waiting registration a seat, if there is one (SeatsTaken if not)."""
        items = [
            changes.set_status(self._table, reg, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, None),
            changes.leave_queue(self._table, reg),
            changes.counters(
                self._table,
                reg.event_slug,
                "#confirmed < #capacity AND #waiting > :zero",
                reg.attendance,
                confirmed=1,
                waiting=-1,
            ),
            *changes.figure_changes(
                self._table, reg.event_slug, changes.moved(reg, status=RegistrationStatus.CONFIRMED)
            ),
        ]
        try:
            self._transact(items, audit)
        except StaleRegistration as stale:
            if registration_store().get(reg.event_slug, reg.sk) == reg:
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
        counter = changes.counters(self._table, reg.event_slug, "#status = :published", reg.attendance, workshops=steps)
        # the choices as read: a second save from an old page cannot free seats twice
        holding, names, as_read = changes.holding(reg)
        names["#status"] = "status"
        values: dict[str, object] = {":confirmed": RegistrationStatus.CONFIRMED, ":chosen": chosen, **as_read}
        update = "SET workshops = :chosen"
        left = held - wanted
        if left:  # a check-in at a workshop they leave goes with its seat
            update += " DELETE workshops_attended :left"
            values[":left"] = left
        registration: TransactItem = {
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

    def set_attended(self, reg: Registration, at: str | None, audit: AuditChange | None) -> None:
        """Check a confirmed registration in (at) or undo it (None)."""
        after = replace(reg, attended_at=datetime.fromisoformat(at) if at else None)
        # not at the meeting is at none of its workshops: undoing at the door undoes those too
        update = "SET GSI1SK = :listed, GSI3SK = :by_surname" + (
            ", attended_at = :at" if at else " REMOVE attended_at, workshops_attended"
        )
        values: dict[str, object] = {
            ":confirmed": RegistrationStatus.CONFIRMED,
            ":listed": after.list_key(),
            ":by_surname": after.surname_list_key(),
            ":was_listed": reg.list_key(),
        }
        if at:
            values[":at"] = at
        item: TransactItem = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": update,
                "ConditionExpression": "#status = :confirmed AND GSI1SK = :was_listed",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_attrs(values),
            }
        }
        self._transact(
            [
                item,
                *changes.figure_changes(self._table, reg.event_slug, changes.moved(reg, attended_at=after.attended_at)),
            ],
            audit,
        )

    def set_workshop_attended(self, reg: Registration, key: str, attended: bool, audit: AuditChange) -> None:
        """Check someone in at the workshop they hold a seat in (workshop `key`), or undo it: one String
        Set, so doing it twice changes nothing. StaleRegistration if they no longer hold that seat."""
        position, workshop_id = key.split("-")
        item: TransactItem = {
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


def seat_store() -> SeatStore:
    """The seat-moving transactions on this process's table."""
    return SeatStore(aws.dynamodb(), config.table_name())

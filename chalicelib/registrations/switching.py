"""The transaction that moves a registration from one way of taking part to the other (on location,
online) at a hybrid meeting.

One transaction does all of it, or nothing: the registration takes its new way, the seat or place in
line it leaves is freed (a freed seat goes to the first in line of that way, in the same transaction),
and it takes a seat of its new way while one is left, else a place at the end of that way's waiting
list, as a new registration would. Every part carries a condition on the state that was read, so a
concurrent change fails the whole (StaleRegistration), and a seat that went meanwhile is SeatsTaken.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from botocore.exceptions import ClientError

from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    TableStore,
    TransactItem,
    cancellation_codes,
    from_attrs,
    is_cancelled,
    new_put,
    primary_key,
    to_attrs,
)
from chalicelib.core.keys import EVENT_SK, event_pk
from chalicelib.events.model import SEAT_ATTRIBUTES, AttendanceMode, EventStatus
from chalicelib.registrations import changes
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration
from chalicelib.registrations.seats import EventNotOpen, SeatAvailable, SeatsTaken, StaleRegistration


class SwitchStore(TableStore):
    def switch(
        self, reg: Registration, target: AttendanceMode, seat: bool, promote: Registration | None, at: datetime
    ) -> Registration:
        """Move `reg` (confirmed or waiting) to `target`: a seat there when `seat` (SeatsTaken if none is
        left), else the end of its waiting list (SeatAvailable if a seat is free after all). A seat it
        leaves goes to `promote`, the first in line of the way it leaves, if anyone waits. The
        registration as stored afterwards; its workshops stay behind (who comes on location chooses
        again on the personal page)."""
        status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING
        after = replace(reg, attendance=target, status=status, workshops={}, workshops_attended=frozenset())
        after.wait_key = "" if seat else after.new_wait_key(joined=at)
        had_seat = reg.status == RegistrationStatus.CONFIRMED
        counters = changes.switched_counters(
            self._table,
            reg.event_slug,
            (reg.attendance, "confirmed" if had_seat and promote is None else "waiting"),
            (target, "confirmed" if seat else "waiting"),
            reg.workshop_keys,
        )
        items = [self._moved(reg, after), counters]
        if reg.wait_key:
            items.append(changes.leave_queue(self._table, reg))
        if after.wait_key:
            items.append(self._in_line(after))
        figures = changes.moved(reg, status=status)
        if promote is not None:
            items.append(
                changes.set_status(self._table, promote, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, None)
            )
            items.append(changes.leave_queue(self._table, promote))
            figures.update(changes.moved(promote, status=RegistrationStatus.CONFIRMED))
        items += changes.figure_changes(self._table, reg.event_slug, figures)
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if not is_cancelled(error):
                raise
            if cancellation_codes(error)[1] == "ConditionalCheckFailed":  # the counters
                raise self._why_refused(reg.event_slug, target, seat) from error
            raise StaleRegistration() from error
        return after

    def _moved(self, reg: Registration, after: Registration) -> TransactItem:
        """The registration's new way, status, list place and place in line, if it is still as read."""
        update = "SET #attendance = :target, #status = :new, GSI1SK = :listed, GSI3SK = :by_surname"
        values: dict[str, object] = {
            ":target": after.attendance,
            ":new": after.status,
            ":listed": after.list_key(),
            ":by_surname": after.surname_list_key(),
            ":was": reg.status,
            ":source": reg.attendance,
            ":was_listed": reg.list_key(),
        }
        if after.wait_key:
            update += ", wait_key = :wait REMOVE workshops, workshops_attended"
            values[":wait"] = after.wait_key
        else:
            update += " REMOVE wait_key, workshops, workshops_attended"
        holding, names, held = changes.holding(reg)
        return {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(reg.event_slug), reg.sk),
                "UpdateExpression": update,
                "ConditionExpression": (
                    f"#status = :was AND #attendance = :source AND GSI1SK = :was_listed AND {holding}"
                ),
                "ExpressionAttributeNames": {"#status": "status", "#attendance": "attendance", **names},
                "ExpressionAttributeValues": to_attrs(values | held),
            }
        }

    def _in_line(self, after: Registration) -> TransactItem:
        entry = {"PK": event_pk(after.event_slug), "SK": after.wait_key, "type": "wait", "reg_sk": after.sk}
        return new_put(self._table, entry)

    def _why_refused(self, slug: str, target: AttendanceMode, seat: bool) -> Exception:
        """Why the counters refused: the meeting is no longer open, the seat that was free went (or one
        came free for who meant to wait), or something else moved meanwhile (read again)."""
        capacity, confirmed, _waiting = SEAT_ATTRIBUTES[target]
        response = self._client.get_item(
            TableName=self._table,
            Key=primary_key(event_pk(slug), EVENT_SK),
            ProjectionExpression="#status, #capacity, #confirmed",
            ExpressionAttributeNames={"#status": "status", "#capacity": capacity, "#confirmed": confirmed},
            ConsistentRead=True,
        )
        stored = from_attrs(response.get("Item", {}))
        if stored.get("status") != EventStatus.PUBLISHED:
            return EventNotOpen()
        free = stored.get(confirmed, 0) < stored.get(capacity, 0)
        if seat and not free:
            return SeatsTaken()
        if not seat and free:
            return SeatAvailable()
        return StaleRegistration()


def switch_store() -> SwitchStore:
    """The switching transaction on this process's table."""
    return SwitchStore(aws.dynamodb(), config.table_name())

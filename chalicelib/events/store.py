"""Repository for events and their programmes. Receives its table name and client.

Organisers' changes are conditional on the version they read, so two
organisers never overwrite each other unseen, and on the seat counters, so a
capacity never drops below the places already given.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    applied,
    batch_get_all,
    from_attrs,
    is_cancelled,
    primary_key,
    refused_as,
    to_attrs,
    with_prefix,
)
from chalicelib.core.keys import EVENT_SK, SLOT_PREFIX, STATS_SK, event_pk, slot_sk
from chalicelib.events.model import SEAT_ATTRIBUTES, SEAT_COUNTERS, Event, EventStatus
from chalicelib.events.parts import Slot

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

# One transaction holds 100 items: the event, its slots, a removed slot and the audit entry.
MAX_SLOTS = 90


class SlugTaken(Exception):
    """An event with this slug exists already."""


class StaleEvent(Exception):
    """Someone changed the event since it was read."""


class CapacityBelowConfirmed(Exception):
    """A capacity (`field`: on location or online) below the seats confirmed there, or, with
    `waiting`, a way of taking part dropped while people wait for it."""

    def __init__(self, field: str, confirmed: int, waiting: int = 0) -> None:
        super().__init__(f"{confirmed} places are confirmed, {waiting} waiting")
        self.field = field
        self.confirmed = confirmed
        self.waiting = waiting


# counters belong to registration, keys to the store, GSI2PK to retention (which removes it): an edit
# leaves them alone. GSI2SK follows the date; without GSI2PK it indexes nothing.
_NOT_EDITED = {
    "PK",
    "SK",
    *SEAT_COUNTERS,
    "workshops_taken",
    "version",
    "GSI2PK",
    "evaluation_opened_at",
    "evaluation_closed_at",
}


def _seat_condition(event: Event, held_workshops: set[str]) -> tuple[str, dict[str, str], dict[str, int]]:
    """What an edit must respect of the seats as stored: no capacity below the seats confirmed, no
    way of taking part dropped while people wait for it (nothing would ever move them on), and no
    workshop session below (or, removed, with) the seats people took in it. Returns the condition and
    its names and values."""
    clauses, names, values = [], {}, {":zero": 0}
    for mode, (capacity, confirmed, waiting) in SEAT_ATTRIBUTES.items():
        values[f":{capacity}"] = getattr(event, capacity)
        clauses.append(f"(attribute_not_exists({confirmed}) OR {confirmed} <= :{capacity})")
        if mode not in event.modes:
            clauses.append(f"(attribute_not_exists({waiting}) OR {waiting} = :zero)")
    # every session as read or as now, and any with seats taken: one dropped meanwhile must be empty
    keys = event.workshop_seats.keys() | held_workshops | {k for k, n in event.workshops_taken.items() if n}
    for i, key in enumerate(sorted(keys)):
        names[f"#s{i}"], values[f":s{i}"] = key, event.workshop_seats.get(key, 0)
        clauses.append(f"(attribute_not_exists(workshops_taken.#s{i}) OR workshops_taken.#s{i} <= :s{i})")
    return " AND ".join(clauses), names, values


def _seats_refused(event: Event, stored: Item) -> CapacityBelowConfirmed | None:
    """Which rule of `_seat_condition` the stored item broke, if any."""
    for mode, (capacity, confirmed, waiting) in SEAT_ATTRIBUTES.items():
        if int(stored.get(confirmed, 0)) > getattr(event, capacity):
            return CapacityBelowConfirmed(capacity, int(stored[confirmed]))
        if mode not in event.modes and int(stored.get(waiting, 0)):
            return CapacityBelowConfirmed(capacity, 0, waiting=int(stored[waiting]))
    return None


class EventStore(TableStore):
    def get(self, slug: str) -> Event | None:
        """The event, its programme and what else is attached to it (its materials) in one Query: their
        sort keys start with '#'."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :hash)",
            ExpressionAttributeValues=to_attrs({":pk": event_pk(slug), ":hash": "#"}),
        )
        items = [from_attrs(a) for a in response["Items"]]
        meta = next((i for i in items if i["SK"] == EVENT_SK), None)
        if meta is None:
            return None
        slots = [Slot.from_item(i) for i in items if i["SK"].startswith(SLOT_PREFIX)]
        attached = [i for i in items if i["SK"] != EVENT_SK and not i["SK"].startswith(SLOT_PREFIX)]
        return Event.from_item(meta, programme=slots, attached=attached)

    def figures(self, slug: str) -> dict[str, int]:
        """An event's figures, which registrations' transactions keep beside it: `status#…`, `org#…`,
        `role#…`, `day#…`, `answer#…` to counts, from STATS and its shards (one Query of at most 17
        small items)."""
        items = with_prefix(self._client, self._table, event_pk(slug), STATS_SK, consistent=True)
        return {name: int(n) for item in items for name, n in item.items() if name not in ("PK", "SK")}

    def get_meta(self, slug: str) -> Event | None:
        """The event without its programme, read consistently (for seat decisions)."""
        response = self._client.get_item(
            TableName=self._table,
            Key=primary_key(event_pk(slug), EVENT_SK),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Event.from_item(from_attrs(item)) if item else None

    def metas(self, slugs: list[str]) -> dict[str, Event]:
        """Several events without their programme, by slug: one BatchGetItem per 100."""
        keys = [primary_key(event_pk(slug), EVENT_SK) for slug in dict.fromkeys(slugs)]
        events = [Event.from_item(item) for item in batch_get_all(self._client, self._table, keys)]
        return {event.slug: event for event in events}

    def mark_anonymised(self, slug: str, at: str) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=primary_key(event_pk(slug), EVENT_SK),
            UpdateExpression="SET anonymised_at = :at REMOVE GSI2PK, GSI2SK",
            ExpressionAttributeValues=to_attrs({":at": at}),
        )

    def mark_evaluation_opened(self, slug: str, at: str) -> bool:
        """Note when the event's evaluation opened; False if it had been already (nothing changes)."""
        return applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(event_pk(slug), EVENT_SK),
                UpdateExpression="SET evaluation_opened_at = :at",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(evaluation_opened_at)",
                ExpressionAttributeValues=to_attrs({":at": at}),
            )
        )

    def close_evaluation(self, slug: str, at: str, audit: AuditChange) -> bool:
        """Close an open evaluation now, with its audit entry; False if it was not open (nothing changes)."""
        return self._audited_update(
            slug,
            "SET evaluation_closed_at = :at",
            "attribute_exists(evaluation_opened_at) AND attribute_not_exists(evaluation_closed_at)",
            {":at": at},
            audit,
        )

    def open_check_in_early(self, slug: str, day: str, audit: AuditChange) -> bool:
        """Open check-in before the meeting's day `day` (ISO), with its audit entry; False if the meeting
        is not (any more) on that day. Not an edit: organisers' open forms keep their version."""
        return self._audited_update(
            slug, "SET check_in_early_for = :day", "#date = :day", {":day": day}, audit, names={"#date": "date"}
        )

    def _audited_update(
        self,
        slug: str,
        update: str,
        condition: str,
        values: dict[str, str],
        audit: AuditChange,
        names: dict[str, str] | None = None,
    ) -> bool:
        """One conditional update of the event item with its audit entry, in one transaction; False if
        the condition did not hold (nothing changes)."""
        change: TransactItem = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(slug), EVENT_SK),
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeValues": to_attrs(values),
            }
        }
        if names:
            change["Update"]["ExpressionAttributeNames"] = names
        return applied(lambda: self._client.transact_write_items(TransactItems=[change, audit_put(self._table, audit)]))

    # -- organisers' changes --------------------------------------------

    def create(self, event: Event, audit: AuditChange) -> None:
        """A new event with its programme and audit entry; SlugTaken if the slug is in use."""
        meta: TransactItem = {"Put": {"TableName": self._table, "Item": to_attrs(event.to_item())}}
        meta["Put"]["ConditionExpression"] = "attribute_not_exists(PK)"
        slots: list[TransactItem] = [
            {"Put": {"TableName": self._table, "Item": to_attrs(s.to_item(event.slug))}} for s in event.programme
        ]
        with refused_as(SlugTaken):
            self._client.transact_write_items(TransactItems=[meta, *slots, audit_put(self._table, audit)])

    def update(
        self,
        event: Event,
        audit: AuditChange,
        removed_slots: tuple[int, ...] = (),
        held_workshops: Collection[str] = (),
    ) -> None:
        """Write an organiser's change to the event and its programme, in one transaction.

        `held_workshops`: the workshop sessions as the organiser's page read them; one the edit drops
        must still be empty (registrations do not raise the version).
        Raises StaleEvent when the stored version is no longer `event.version`,
        CapacityBelowConfirmed when the new capacity is below the confirmed places.
        """
        fields = {k: v for k, v in event.to_item().items() if k not in _NOT_EDITED}
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        values = {f":v{i}": value for i, value in enumerate(fields.values())}
        update = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))) + ", version = :next"
        if event.registration_deadline is None:
            update += " REMOVE registration_deadline"
        # the condition sees the item as stored: its seats against the new capacities
        seats, seat_names, seat_values = _seat_condition(event, set(held_workshops))
        names.update(seat_names)
        values.update({":read": event.version, ":next": event.version + 1, **seat_values})
        meta: TransactItem = {
            "Update": {
                "TableName": self._table,
                "Key": primary_key(event_pk(event.slug), EVENT_SK),
                "UpdateExpression": update,
                "ConditionExpression": f"(attribute_not_exists(version) OR version = :read) AND {seats}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": to_attrs(values),
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }
        items: list[TransactItem] = [meta]
        items += [{"Put": {"TableName": self._table, "Item": to_attrs(s.to_item(event.slug))}} for s in event.programme]
        for position in removed_slots:
            items.append(
                {"Delete": {"TableName": self._table, "Key": primary_key(event_pk(event.slug), slot_sk(position))}}
            )
        try:
            self._client.transact_write_items(TransactItems=[*items, audit_put(self._table, audit)])
        except ClientError as error:
            if not is_cancelled(error):
                raise
            reason: dict[str, Any] = dict(error.response.get("CancellationReasons", [{}])[0])
            stored = from_attrs(reason.get("Item", {}))
            if not stored:
                raise StaleEvent() from error
            refused = _seats_refused(event, stored) if int(stored.get("version", 0)) == event.version else None
            if refused is not None:
                raise refused from error
            raise StaleEvent() from error
        event.version += 1

    def holds_more_than_its_programme(self, slug: str) -> bool:
        """Whether anything besides the event and its programme lives in its partition: registrations,
        speakers, materials, figures. Reads keys only, and stops at the first such item."""
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_attrs({":pk": event_pk(slug)}),
            "ProjectionExpression": "SK",
            "ConsistentRead": True,
        }
        while True:
            response = self._client.query(**params)
            for item in response["Items"]:
                sk = from_attrs(item)["SK"]
                if sk != EVENT_SK and not sk.startswith(SLOT_PREFIX):
                    return True
            if "LastEvaluatedKey" not in response:
                return False
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def delete_draft(self, event: Event, audit: AuditChange) -> None:
        """Remove a draft and its programme; StaleEvent if it changed, was published or got registrations."""
        pk = event_pk(event.slug)
        meta: TransactItem = {
            "Delete": {
                "TableName": self._table,
                "Key": primary_key(pk, EVENT_SK),
                "ConditionExpression": "version = :read AND #status = :draft AND "
                + " AND ".join(f"(attribute_not_exists({name}) OR {name} = :zero)" for name in SEAT_COUNTERS),
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_attrs(
                    {":read": event.version, ":draft": EventStatus.DRAFT, ":zero": 0}
                ),
            }
        }
        slots: list[TransactItem] = [
            {"Delete": {"TableName": self._table, "Key": primary_key(pk, slot_sk(s.position))}} for s in event.programme
        ]
        with refused_as(StaleEvent):
            self._client.transact_write_items(TransactItems=[meta, *slots, audit_put(self._table, audit)])


def event_store() -> EventStore:
    """The events and programmes in this process's table."""
    return EventStore(aws.dynamodb(), config.table_name())

"""Lists of events, each one Query of an index: the public lists and calendar feed (GSI1, by date),
the organisers' lists by status (GSI1), the day's new ones for the digest (GSI3) and the ones whose
registrations still hold personal data (GSI2). Receives its table name and client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.core import aws, config
from chalicelib.core.dynamo import TableStore, from_attrs, of_partition, on_day, partition_query, query_all, to_attrs
from chalicelib.core.keys import event_dates_index, events_index
from chalicelib.core.paging import Page, query_page
from chalicelib.events.model import Event, EventStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


class EventListings(TableStore):
    def published(self, *, after_key: str, upcoming: bool, limit: int, cursor: str | None) -> Page[Event]:
        """Published events from the sparse GSI1, by date: upcoming ascending, past descending."""
        operator = ">=" if upcoming else "<"
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": f"GSI1PK = :pk AND GSI1SK {operator} :now",
            "ExpressionAttributeValues": to_attrs({":pk": events_index(EventStatus.PUBLISHED), ":now": after_key}),
            "ScanIndexForward": upcoming,
        }
        scope = "events#upcoming" if upcoming else "events#past"
        items, after = query_page(self._client, params, limit, cursor, scope=scope)
        return Page([Event.from_item(item) for item in items], after)

    def of_group(self, group: str, *, after_key: str, limit: int = 50) -> list[Event]:
        """A working group's published meetings from `after_key` on, by date: one Query of its own
        partition of GSI1 (no public list reads it)."""
        response = self._client.query(
            TableName=self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK >= :now",
            ExpressionAttributeValues=to_attrs({":pk": events_index(EventStatus.PUBLISHED, group), ":now": after_key}),
            Limit=limit,
        )
        return [Event.from_item(from_attrs(item)) for item in response["Items"]]

    def of_groups_for_organisers(self, groups: list[str]) -> list[Event]:
        """Every meeting of these working groups, drafts and cancelled ones too, newest first: one Query
        per group and status (the groups are few)."""
        events = [
            Event.from_item(item)
            for group in groups
            for status in EventStatus
            for item in of_partition(self._client, self._table, "GSI1", events_index(status, group))
        ]
        return sorted(events, key=lambda e: (e.date, e.start), reverse=True)

    def published_on(self, day: str) -> list[Event]:
        """Events first published on a day (YYYY-MM-DD, the network's clock) and published still:
        one Query of GSI3, whose sort key in the published partition is the moment of publication."""
        return [Event.from_item(i) for i in on_day(self._client, self._table, events_index(EventStatus.PUBLISHED), day)]

    def in_calendar(self, since: str, until: str, limit: int) -> list[Event]:
        """The first `limit` published and cancelled events dated from `since` up to (not including)
        `until`, by date (the public calendar feed): one page of one Query of GSI1 per partition, so the
        feed costs the same however many meetings there are; drafts are never read. A page that stops
        short (DynamoDB's 1 MB) ends the feed at its last meeting, so no meeting between is left out."""
        found: list[tuple[str, Event]] = []
        reached = "\uffff"  # how far every partition's page read
        for partition in (events_index(EventStatus.PUBLISHED), events_index(EventStatus.CANCELLED)):
            response = self._client.query(
                TableName=self._table,
                IndexName="GSI1",
                KeyConditionExpression="GSI1PK = :pk AND GSI1SK BETWEEN :since AND :until",
                ExpressionAttributeValues=to_attrs({":pk": partition, ":since": since, ":until": until}),
                Limit=limit,
            )
            items = [from_attrs(attrs) for attrs in response["Items"]]
            found += [(str(item["GSI1SK"]), Event.from_item(item)) for item in items]
            if "LastEvaluatedKey" in response and items:
                reached = min(reached, str(items[-1]["GSI1SK"]))
        return [event for key, event in sorted(found, key=lambda pair: pair[0]) if key <= reached][:limit]

    def with_personal_data(self, until: str, since: str = "") -> list[Event]:
        """Events dated from `since` up to (not including) `until` whose registrations still hold
        personal data (GSI2; anonymising an event removes it there)."""
        items = query_all(
            self._client,
            TableName=self._table,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk AND GSI2SK BETWEEN :since AND :until",
            ExpressionAttributeValues=to_attrs(
                {
                    ":pk": event_dates_index(),
                    ":since": since or "0000",
                    ":until": until,
                }
            ),
        )
        return [Event.from_item(i) for i in items]

    def of_status(self, status: EventStatus, limit: int, cursor: str | None) -> Page[Event]:
        """One page of the events with a status, newest first (organisers' list): one Query of GSI1."""
        partition = events_index(status)
        params = partition_query(self._table, "GSI1", partition, newest_first=True)
        items, after = query_page(self._client, params, limit, cursor, scope=f"events#{status}")
        return Page([Event.from_item(item) for item in items], after)

    def all_for_organisers(self) -> list[Event]:
        """Every event, drafts and cancelled ones too, newest first (`manage.py`): one Query per status partition."""
        events: list[Event] = []
        for status in (EventStatus.PUBLISHED, EventStatus.DRAFT, EventStatus.CANCELLED):
            partition = events_index(status)
            items = of_partition(self._client, self._table, "GSI1", partition)
            events += [Event.from_item(i) for i in items]
        return sorted(events, key=lambda e: (e.date, e.start), reverse=True)


def event_listings() -> EventListings:
    """The lists of events in this process's table."""
    return EventListings(aws.dynamodb(), config.table_name())

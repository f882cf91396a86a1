"""Reading registrations (by personal link, by key, an event's lists, a person's own), and keeping
their books (reminded, anonymised, relisted, figures recounted). The transactions that move seats
are in `registrations/seats.py`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import TYPE_CHECKING

from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    TableStore,
    TransactItem,
    applied,
    from_attrs,
    of_partition,
    primary_key,
    query_all,
    to_attrs,
    with_prefix,
)
from chalicelib.core.keys import (
    ANONYMISED_PREFIX,
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
from chalicelib.events.model import AttendanceMode
from chalicelib.registrations.model import Registration

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


class RegistrationStore(TableStore):
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
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_attrs(values),
        }
        items, after = query_page(self._client, params, limit, cursor, scope=f"registrations#{slug}#{index}#{start}")
        return Page([Registration.from_item(item) for item in items], after)

    def put_figures(self, slug: str, figures: Counter[str]) -> None:
        """Replace the figures with a count done the slow way (`manage.py recount`): every shard, empty ones too."""
        items: dict[str, dict[str, int]] = {sk: {} for sk in stats_shards()}
        for name, n in figures.items():
            if n:
                items[figures_sk(name)][name] = n
        for sk, counts in items.items():
            self._client.put_item(TableName=self._table, Item=to_attrs({"PK": event_pk(slug), "SK": sk, **counts}))

    def list_for_event(self, slug: str) -> list[Registration]:
        """All registrations of an event, for the workers (exports, mail jobs, retention); paginates."""
        items = with_prefix(self._client, self._table, event_pk(slug), REG_PREFIX, consistent=True)
        return [Registration.from_item(i) for i in items]

    def for_email(self, email: str) -> list[Registration]:
        """A person's registrations across events (GSI2), newest event first."""
        items = of_partition(self._client, self._table, "GSI2", person_index(email), newest_first=True)
        return [Registration.from_item(i) for i in items]

    # -- reminders and retention ----------------------------------------

    def set_reminded(self, slug: str, key: str, at: str) -> None:
        """Note that a registration (by its key) got its reminder; gone meanwhile (anonymised) is fine."""
        applied(
            lambda: self._client.update_item(
                TableName=self._table,
                Key=primary_key(event_pk(slug), REG_PREFIX + key),
                UpdateExpression="SET reminded_at = :at",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=to_attrs({":at": at}),
            )
        )

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
        items: list[TransactItem] = [
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
        # not applied: another run anonymised it first
        applied(lambda: self._client.transact_write_items(TransactItems=items))

    def for_recount(self, slug: str) -> list[Item]:
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


def registration_store() -> RegistrationStore:
    """Registrations, waiting lists and personal links in this process's table."""
    return RegistrationStore(aws.dynamodb(), config.table_name())

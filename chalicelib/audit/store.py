"""The audit log: who changed what, when, from what to what.

Entries are written in the same transaction as the change they describe
(`AuditChange` describes one); organisers read them a month at a time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core import aws, config
from chalicelib.core.dynamo import Item, TableStore, TransactItem, to_attrs
from chalicelib.core.keys import audit_pk
from chalicelib.core.paging import Page, query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


@dataclass(frozen=True)
class AuditChange:
    """A change a person (or an import, or a job) made, to record in the same transaction as the change."""

    actor: str  # who: an address, or the name of the import or job
    action: str  # what, as "{thing}.{change}": "registration.cancelled", "event.updated" ...
    target: str  # on what: a slug, "{slug}/{registration key}", a material id ...
    before: Item  # the fields it changed, as they were
    after: Item  # and as they are now
    at: str  # when, as an ISO moment on the network's clock

    def to_item(self) -> Item:
        return {
            "PK": audit_pk(self.at[:7]),  # one partition per month, newest first by sort key
            "SK": f"{self.at}#{secrets.token_hex(4)}",
            "type": "audit",
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
        }


def audit_put(table: str, change: AuditChange) -> TransactItem:
    """The change as an item of the transaction that makes it."""
    return {"Put": {"TableName": table, "Item": to_attrs(change.to_item())}}


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who made it (a person, an import or a job), what, on what, and the fields before and after."""

    at: datetime
    actor: str
    action: str
    target: str
    before: Item
    after: Item

    @classmethod
    def from_item(cls, item: Item) -> AuditEntry:
        return cls(
            at=datetime.fromisoformat(item["SK"].rsplit("#", 1)[0]),
            actor=item.get("actor", ""),
            action=item.get("action", ""),
            target=item.get("target", ""),
            before=item.get("before", {}),
            after=item.get("after", {}),
        )


class AuditStore(TableStore):
    def put(self, change: AuditChange) -> None:
        """For changes that are a single write anyway (a download, a sent message)."""
        self._client.put_item(TableName=self._table, Item=to_attrs(change.to_item()))

    def month(self, month: str, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        """One month's entries ('2026-11'), newest first, `limit` at a time."""
        params: QueryInputTypeDef = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_attrs({":pk": audit_pk(month)}),
            "ScanIndexForward": False,
        }
        items, after = query_page(self._client, params, limit, cursor, scope=f"audit#{month}")
        return Page([AuditEntry.from_item(item) for item in items], after)


def audit_store() -> AuditStore:
    """The audit log in this process's table."""
    return AuditStore(aws.dynamodb(), config.table_name())

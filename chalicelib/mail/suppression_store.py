"""Repository for the suppression list: addresses that mail to many skips. Receives its table name and client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    TableStore,
    batch_get_all,
    from_attrs,
    partition_query,
    primary_key,
    refused_as,
    to_attrs,
)
from chalicelib.core.keys import SUPPRESSED_SK, suppressed_index, suppressed_key_of, suppressed_pk
from chalicelib.mail.model import Suppression

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef, QueryInputTypeDef


class NotSuppressed(Exception):
    """The address is not on the list (lifted a moment ago by someone else)."""


class SuppressionStore(TableStore):
    def put(self, entry: Suppression) -> None:
        """Add or renew an entry: a later bounce of the same address replaces the earlier one."""
        self._client.put_item(TableName=self._table, Item=to_attrs(entry.to_item()))

    def get(self, key: str) -> Suppression | None:
        response = self._client.get_item(TableName=self._table, Key=primary_key(suppressed_pk(key), SUPPRESSED_SK))
        item = response.get("Item")
        return Suppression.from_item(from_attrs(item)) if item else None

    def among(self, keys: list[str]) -> set[str]:
        """Which of these address keys are suppressed: one BatchGetItem for up to 100 keys."""
        wanted = [primary_key(suppressed_pk(key), SUPPRESSED_SK) for key in dict.fromkeys(keys)]
        found = batch_get_all(self._client, self._table, wanted, ProjectionExpression="PK")
        return {suppressed_key_of(item["PK"]) for item in found}

    def newest(self, limit: int) -> list[Suppression]:
        """The most recent entries first: one Query of GSI1."""
        request: QueryInputTypeDef = {
            **partition_query(self._table, "GSI1", suppressed_index(), newest_first=True),
            "Limit": limit,
        }
        response = self._client.query(**request)
        return [Suppression.from_item(from_attrs(item)) for item in response["Items"]]

    def lift(self, key: str, audit: AuditChange) -> None:
        """Remove an entry with its audit entry, in one transaction; NotSuppressed if it is gone."""
        delete: DeleteTypeDef = {
            "TableName": self._table,
            "Key": primary_key(suppressed_pk(key), SUPPRESSED_SK),
            "ConditionExpression": "attribute_exists(PK)",
        }
        with refused_as(NotSuppressed):
            self._client.transact_write_items(TransactItems=[{"Delete": delete}, audit_put(self._table, audit)])


def suppression_store() -> SuppressionStore:
    """The suppression list in this process's table."""
    return SuppressionStore(aws.dynamodb(), config.table_name())

"""The platform's list of networks: one partition outside every network, read whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import Item, from_attrs, query_all, refused_as, to_attrs
from chalicelib.core.keys import PLATFORM_PK, network_sk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class NetworkExists(Exception):
    pass


class NetworkStore:
    """Not a TableStore: the list of networks is read before any network is chosen (to choose one
    by host name), so it is the one store made outside a network. It reads and writes nothing else."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def all(self) -> list[Item]:
        """Every network's stored settings: one Query (a handful of items)."""
        return query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_attrs({":pk": PLATFORM_PK}),
        )

    def get(self, name: str) -> Item | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_attrs({"PK": PLATFORM_PK, "SK": network_sk(name)}), ConsistentRead=True
        )
        return from_attrs(response["Item"]) if "Item" in response else None

    def create(self, name: str, settings: Item, audit: AuditChange) -> None:
        """A new network, with the audit entry in its own log; refused if the name is taken."""
        item = {"PK": PLATFORM_PK, "SK": network_sk(name), "type": "network", **settings}
        with refused_as(NetworkExists):
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_attrs(item),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    audit_put(self._table, audit),
                ]
            )

    def save(self, name: str, settings: Item, audit: AuditChange) -> None:
        """A network's settings as an organiser saved them, with the audit entry (the whole item:
        the form shows and sends every setting)."""
        item = {"PK": PLATFORM_PK, "SK": network_sk(name), "type": "network", **settings}
        self._client.transact_write_items(
            TransactItems=[{"Put": {"TableName": self._table, "Item": to_attrs(item)}}, audit_put(self._table, audit)]
        )


def network_store() -> NetworkStore:
    return NetworkStore(aws.dynamodb(), config.table_name())

"""The platform's list of networks: one partition outside every network, read whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from chalicelib.audit.store import AuditChange, audit_put
from chalicelib.core import aws, config
from chalicelib.core.dynamo import (
    Item,
    expression_attributes,
    from_attrs,
    is_cancelled,
    new_put,
    old_item,
    primary_key,
    query_all,
    refused_as,
    to_attrs,
)
from chalicelib.core.keys import PLATFORM_PK, network_sk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class NetworkExists(Exception):
    pass


class LogoChanged(Exception):
    """A network's logo was not the one a change of it assumed: someone changed it meanwhile."""

    def __init__(self, logo: Item | None) -> None:
        super().__init__()
        self.logo = logo  # the one it has


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
                    new_put(self._table, item),
                    audit_put(self._table, audit),
                ]
            )

    def save(self, name: str, settings: Item, audit: AuditChange) -> None:
        """A network's settings as an organiser saved them, with the audit entry. Only the attributes
        given are written: what is set apart from the form (its logo) stays as it is."""
        names = {f"#s{i}": field for i, field in enumerate(settings)}
        values = {f":s{i}": value for i, value in enumerate(settings.values())}
        assignments = "".join(f", #s{i} = :s{i}" for i in range(len(settings)))
        self._client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": primary_key(PLATFORM_PK, network_sk(name)),
                        "UpdateExpression": f"SET #type = :type{assignments}",
                        "ExpressionAttributeNames": {"#type": "type", **names},
                        "ExpressionAttributeValues": to_attrs({":type": "network", **values}),
                    }
                },
                audit_put(self._table, audit),
            ]
        )

    def set_logo(self, name: str, before: str, logo: Item | None, audit: AuditChange) -> None:
        """Give a network `logo` (None: none), with the audit entry, if its logo is still the one named
        `before` ('' for none); else LogoChanged, with the one it has (read with the refusal, no
        second request)."""
        condition = "#logo.#name = :before" if before else "attribute_not_exists(#logo)"
        update = "SET #type = :type, #logo = :logo" if logo else "REMOVE #logo"
        values: dict[str, object] = {":type": "network", ":logo": logo, ":before": before}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": primary_key(PLATFORM_PK, network_sk(name)),
                            "UpdateExpression": update,
                            "ConditionExpression": condition,
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                            **expression_attributes(
                                (update, condition), {"#type": "type", "#logo": "logo", "#name": "name"}, values
                            ),
                        }
                    },
                    audit_put(self._table, audit),
                ]
            )
        except ClientError as error:
            if is_cancelled(error):
                found = old_item(error, 0).get("logo")
                raise LogoChanged(found if isinstance(found, dict) else None) from error
            raise


def network_store() -> NetworkStore:
    return NetworkStore(aws.dynamodb(), config.table_name())

"""Repository of attempt counters: an item per scope and window, which TTL removes when it is old."""

from __future__ import annotations

from chalicelib.core import aws, config
from chalicelib.core.dynamo import TableStore, TransactItem, primary_key, refused_as, to_attrs
from chalicelib.core.keys import rate_key


class OverLimit(Exception):
    """One of the scopes had its limit of attempts in this window already."""


class AttemptStore(TableStore):
    def add(self, scopes: dict[str, int], window: int, expires: int) -> None:
        """One more attempt in each scope ({scope: limit}) of the window starting at `window` (epoch
        seconds), in one transaction: either every counter goes up or none does (OverLimit)."""
        items: list[TransactItem] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": primary_key(*rate_key(scope, window)),
                    "UpdateExpression": "ADD attempts :one SET expires_at = :expires",
                    "ConditionExpression": "attribute_not_exists(attempts) OR attempts < :limit",
                    "ExpressionAttributeValues": to_attrs({":one": 1, ":limit": limit, ":expires": expires}),
                }
            }
            for scope, limit in scopes.items()
        ]
        with refused_as(OverLimit):
            self._client.transact_write_items(TransactItems=items)


def attempt_store() -> AttemptStore:
    """Attempt counters in this process's table."""
    return AttemptStore(aws.dynamodb(), config.table_name())

"""Counting attempts per window in DynamoDB, so that limits hold across Lambdas.

Each counter is an item per scope and window; TTL removes old windows.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core import aws, clock, config
from chalicelib.core.dynamo import is_cancelled, primary_key, to_attrs
from chalicelib.core.keys import rate_key


class OverLimit(Exception):
    pass


def count(scopes: dict[str, int], window_seconds: int) -> None:
    """One more attempt in each scope ({scope: limit}) in the current window; OverLimit past any limit.

    One transaction: either every counter goes up or none does.
    """
    now = int(clock.now().timestamp())
    window = now - now % window_seconds
    items: list[dict[str, Any]] = [
        {
            "Update": {
                "TableName": config.table_name(),
                "Key": primary_key(*rate_key(scope, window)),
                "UpdateExpression": "ADD attempts :one SET expires_at = :expires",
                "ConditionExpression": "attribute_not_exists(attempts) OR attempts < :limit",
                "ExpressionAttributeValues": to_attrs(
                    {
                        ":one": 1,
                        ":limit": limit,
                        ":expires": window + 2 * window_seconds,
                    }
                ),
            }
        }
        for scope, limit in scopes.items()
    ]
    try:
        aws.dynamodb().transact_write_items(TransactItems=items)
    except ClientError as error:
        if is_cancelled(error):
            raise OverLimit() from error
        raise  # a conflict or throttling: a 503 "try again" (core/faults.py), not "too many attempts"


def seconds_left(window_seconds: int) -> int:
    """Seconds until the current window ends and its counters start again."""
    now = int(clock.now().timestamp())
    return window_seconds - now % window_seconds

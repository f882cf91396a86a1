"""Plain values <-> DynamoDB attribute values: items, primary keys, expression values, paged Queries,
and the reasons a transaction was cancelled; the base of the repositories, the reads they all make
(a partition by prefix, a GSI partition, a batch of keys), and what a write whose condition failed means.

The repositories use the low-level client (thread-safe, and the only API with
transactions); these helpers are the one place that writes its type descriptors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from typing_extensions import TypedDict

from chalicelib.core import tenancy

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        QueryInputTypeDef,
        TransactWriteItemTypeDef,
        UniversalAttributeValueTypeDef,
    )
    from typing_extensions import Unpack

Item: TypeAlias = dict[str, Any]
"""A stored item as plain values (text, numbers, booleans, lists and maps of them), as `from_attrs` gives
it. Its shape is the model's to know: each reads its own fields by name (core/entity.py), so the values
are Any here, where they come out of DynamoDB."""

Attrs: TypeAlias = "dict[str, AttributeValueTypeDef]"
"""An item, key or expression values as the low-level client takes and gives them ({"S": ...})."""


TransactItem: TypeAlias = "TransactWriteItemTypeDef"
"""One write of a transaction (Put, Update, Delete or ConditionCheck)."""


class ExpressionAttributes(TypedDict, total=False, closed=True):
    """The names and values an expression uses, typed as every request of the client takes them; closed
    (PEP 728): nothing else, so it can be spread into a request."""

    ExpressionAttributeNames: Mapping[str, str]
    ExpressionAttributeValues: Mapping[str, UniversalAttributeValueTypeDef]


class TableStore:
    """A repository over the single table: it receives its client and table name and never makes them,
    so each capability's factory (`xxx_store()`) is the one place that wires it to this process's AWS,
    and a test can hand it a mocked client.

    It cannot be made outside a network (tenancy.NoNetwork), and every key it uses names the network
    (core/keys.py): it reads and writes the items of the network it was made in, and no other's."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self.network = tenancy.name()
        self._client = client
        self._table = table


class BatchRead(TypedDict, total=False, closed=True):
    """How a BatchGetItem reads its keys; closed, so it can be spread into the request."""

    ConsistentRead: bool
    ProjectionExpression: str
    ExpressionAttributeNames: Mapping[str, str]


_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return [_plain(v) for v in value]
    return value


def to_attrs(item: Mapping[str, object]) -> Attrs:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def primary_key(pk: str, sk: str) -> Attrs:
    """An item's primary key as the client takes it."""
    return to_attrs({"PK": pk, "SK": sk})


def expression_attributes(
    expressions: tuple[str, ...], names: dict[str, str], values: dict[str, object]
) -> ExpressionAttributes:
    """The names and values that the expressions use, ready for the client.

    DynamoDB refuses an unused name or value, and an empty map: a map nothing uses is left out.
    """

    def used(token: str) -> bool:
        return any(re.search(re.escape(token) + r"(?![A-Za-z0-9_])", text) for text in expressions)

    attributes: ExpressionAttributes = {}
    used_names = {k: v for k, v in names.items() if used(k)}
    used_values = {k: v for k, v in values.items() if used(k)}
    if used_names:
        attributes["ExpressionAttributeNames"] = used_names
    if used_values:
        attributes["ExpressionAttributeValues"] = to_attrs(used_values)
    return attributes


def from_attrs(attrs: Mapping[str, AttributeValueTypeDef]) -> Item:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in attrs.items()}


def with_prefix(
    client: DynamoDBClient, table: str, pk: str, prefix: str, *, consistent: bool = False, projection: str = ""
) -> list[Item]:
    """The items of partition `pk` whose sort key begins with `prefix`, in sort-key order. One Query,
    paginated; `consistent` for a read that must see the writes just made."""
    params: QueryInputTypeDef = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": to_attrs({":pk": pk, ":prefix": prefix}),
    }
    if consistent:
        params["ConsistentRead"] = True
    if projection:
        params["ProjectionExpression"] = projection
    return query_all(client, **params)


def partition_query(
    table: str, index: Literal["GSI1", "GSI2"], partition: str, *, newest_first: bool = False
) -> QueryInputTypeDef:
    """The Query of one partition of a GSI (its key is GSI1PK or GSI2PK), by its sort key: ascending,
    or descending with `newest_first`; to send whole (of_partition), a page at a time (core/paging.py)
    or with a Limit."""
    params: QueryInputTypeDef = {
        "TableName": table,
        "IndexName": index,
        "KeyConditionExpression": f"{index}PK = :pk",
        "ExpressionAttributeValues": to_attrs({":pk": partition}),
    }
    if newest_first:
        params["ScanIndexForward"] = False
    return params


def of_partition(
    client: DynamoDBClient, table: str, index: Literal["GSI1", "GSI2"], partition: str, *, newest_first: bool = False
) -> list[Item]:
    """Every item of one partition of a GSI (partition_query). One Query, paginated."""
    return query_all(client, **partition_query(table, index, partition, newest_first=newest_first))


def on_day(client: DynamoDBClient, table: str, partition: str, day: str) -> list[Item]:
    """The items of a GSI1 partition whose GSI3 sort key is a moment on `day` (YYYY-MM-DD, the
    network's clock: see clock.local_time). One Query, paginated."""
    return query_all(
        client,
        TableName=table,
        IndexName="GSI3",
        KeyConditionExpression="GSI1PK = :pk AND begins_with(GSI3SK, :day)",
        ExpressionAttributeValues=to_attrs({":pk": partition, ":day": f"{day}T"}),
    )


def new_put(table: str, item: Item) -> TransactItem:
    """A transaction's Put of an item whose key must still be unused (a repeat or a race fails it)."""
    return {"Put": {"TableName": table, "Item": to_attrs(item), "ConditionExpression": "attribute_not_exists(PK)"}}


def versioned_put(table: str, item: Item, expected: int) -> TransactItem:
    """A transaction's Put that replaces an item only if it still has the version it was read at."""
    return {
        "Put": {
            "TableName": table,
            "Item": to_attrs(item),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": to_attrs({":v": expected}),
        }
    }


def cancellation_codes(error: ClientError) -> list[str]:
    """Per-item codes of a cancelled transaction ('None', 'ConditionalCheckFailed', ...)."""
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]


def old_item(error: ClientError, index: int) -> Item:
    """The stored item that made write `index` of a cancelled transaction fail, if that write asked for it
    (ReturnValuesOnConditionCheckFailure: ALL_OLD); empty otherwise."""
    reasons = error.response.get("CancellationReasons", [])
    # botocore-stubs describe this Item as a {key, value} pair; DynamoDB sends the item's attribute values
    attrs = cast("Mapping[str, AttributeValueTypeDef]", reasons[index].get("Item", {})) if index < len(reasons) else {}
    return from_attrs(attrs)


def is_condition_failed(error: ClientError) -> bool:
    """A single write's condition did not hold (the expected outcome of a race, not a fault)."""
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def is_cancelled(error: ClientError) -> bool:
    """A transaction cancelled because one of its conditions did not hold: an answer about the data.
    One cancelled only for a conflict or throttling is a fault (`core/faults.py`), left to propagate."""
    return error.response["Error"][
        "Code"
    ] == "TransactionCanceledException" and "ConditionalCheckFailed" in cancellation_codes(error)


def is_refused(error: ClientError) -> bool:
    """A write's condition did not hold, whether a single write's or one in a transaction (each kind of
    write raises only its own of the two)."""
    return is_condition_failed(error) or is_cancelled(error)


@contextmanager
def refused_as(refusal: Callable[[], Exception]) -> Iterator[None]:
    """Within it, a write whose condition did not hold raises `refusal()`, the repository's answer about
    the data. Any other error (a conflict, throttling: core/faults.py) propagates as the fault it is."""
    try:
        yield
    except ClientError as error:
        if is_refused(error):
            raise refusal() from error
        raise


def applied(write: Callable[[], object]) -> bool:
    """Make a conditional write: False if its condition did not hold (nothing changed: the usual outcome
    of a repeat, or of a race lost), True if it was made. Any other error propagates."""
    try:
        write()
    except ClientError as error:
        if is_refused(error):
            return False
        raise
    return True


def batch_get_all(client: DynamoDBClient, table: str, keys: Sequence[Attrs], **read: Unpack[BatchRead]) -> list[Item]:
    """The items stored under these keys, one BatchGetItem per 100 (its limit), asking again for what
    DynamoDB left unprocessed until it has given them all. A key with no item is left out; the order is
    DynamoDB's."""
    items: list[Item] = []
    for start in range(0, len(keys), 100):
        wanted: Sequence[Mapping[str, UniversalAttributeValueTypeDef]] = keys[start : start + 100]
        while wanted:
            response = client.batch_get_item(RequestItems={table: {"Keys": wanted, **read}})
            items += [from_attrs(raw) for raw in response["Responses"].get(table, [])]
            wanted = response.get("UnprocessedKeys", {}).get(table, {"Keys": []})["Keys"]
    return items


def query_all(client: DynamoDBClient, **params: Unpack[QueryInputTypeDef]) -> list[Item]:
    """Every item a Query matches, following LastEvaluatedKey, as plain dicts."""
    items: list[Item] = []
    while True:
        response = client.query(**params)
        items += [from_attrs(a) for a in response["Items"]]
        if "LastEvaluatedKey" not in response:
            return items
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

"""One page of a Query at a time: a fixed number of items, and a cursor to the next page that a
visitor cannot forge or carry over to another list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from itsdangerous import BadSignature, URLSafeSerializer

from chalicelib.core.dynamo import Attrs, Item, from_attrs, to_attrs
from chalicelib.core.errors import BadRequest
from chalicelib.core.i18n import _
from chalicelib.core.keys import scoped
from chalicelib.core.secret import secret_key
from chalicelib.core.text import encodable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

T = TypeVar("T")


class BadCursor(BadRequest):
    message = _("Deze paginalink is ongeldig. Begin opnieuw bij de eerste pagina.")


@dataclass
class Page(Generic[T]):
    """One page of a Query's items and the cursor to the next."""

    items: list[T]
    cursor: str | None  # pass back for the next page; None on the last one


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="page-cursor")


def query_page(
    client: DynamoDBClient, params: QueryInputTypeDef, limit: int, cursor: str | None, scope: str
) -> tuple[list[Item], str | None]:
    """At most `limit` items of a Query and the cursor after them (one Query of `limit` + 1: the
    extra item only tells whether there is a next page). `scope` names the list, so that a cursor
    made for one list is refused by another, and so does the network, for another network's list."""
    scope = scoped(scope)
    request: QueryInputTypeDef = {**params, "Limit": limit + 1}
    if cursor is not None:
        request["ExclusiveStartKey"] = _decode(cursor, scope)
    response = client.query(**request)
    items = [from_attrs(item) for item in response["Items"]]
    if len(items) > limit:
        return items[:limit], _encode(_key_of(items[limit - 1], params.get("IndexName")), scope)
    last = response.get("LastEvaluatedKey")  # DynamoDB stopped at 1 MB before the limit
    return items, _encode(from_attrs(last), scope) if last else None


def _key_of(item: Item, index: str | None) -> Item:
    names = ["PK", "SK", *([f"{index}PK", f"{index}SK"] if index else [])]
    return {name: item[name] for name in names}


def _encode(key: Item, scope: str) -> str:
    return str(_serializer().dumps({"scope": scope, "key": key}))


def _decode(cursor: str, scope: str) -> Attrs:
    try:
        payload = _serializer().loads(encodable(cursor[:2000]))
    except BadSignature as error:
        raise BadCursor() from error
    if not isinstance(payload, dict) or payload.get("scope") != scope or not isinstance(payload.get("key"), dict):
        raise BadCursor()
    return to_attrs(payload["key"])

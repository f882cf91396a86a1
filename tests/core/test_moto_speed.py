"""The tests' quicker DynamoDB answers (tests/support/moto_speed.py) read the same as moto's own.

Every DynamoDB answer of a registration's whole life (event page, register, the personal page, the
organisers' list, a cancellation with promotion, the figures, a table scan) is written both ways and
read back by botocore's own parser for the operation: the two must be equal, call for call. Every
Query is answered both ways too, by moto's own and the quicker one, over partitions and indexes,
forwards, backwards and page by page.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from botocore.parsers import create_parser
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult

from chalicelib.core import aws, config
from chalicelib.core.dynamo import TransactItem
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support import moto_speed
from tests.support.accounts import make_account, sign_in
from tests.support.factories import build_event, registration_form, store_event
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"


def _read(context: Any, answer: Any) -> Any:
    status, headers, body = answer
    parser = create_parser("json")
    return parser.parse(
        {"status_code": status, "headers": headers, "body": body.encode()}, context.operation_model.output_shape
    )


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[bool]]:
    """Each DynamoDB answer written both ways; per operation, whether botocore read the same."""
    seen: dict[str, list[bool]] = {}

    def both(self: Any, context: Any) -> Any:
        ours, theirs = moto_speed._as_json(self, context), moto_speed._SERIALIZED(self, context)
        seen.setdefault(context.operation_model.name, []).append(_read(context, ours) == _read(context, theirs))
        return theirs

    monkeypatch.setattr(DynamoResult, "execute_result", both)
    return seen


def test_every_answer_reads_the_same_either_way(make_event, client, compared):
    make_event(capacity=1)
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    visitor = FormSession(client)
    first = registration.register(SLUG, registration_form(), "nl").registration
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())  # the waiting list
    assert visitor.get(f"/events/{SLUG}").status_code == 200
    assert visitor.get(f"/r/{first.token}").status_code == 200
    assert organiser.get(f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen").status_code == 200
    assert organiser.get(f"/beheer/bijeenkomsten/{SLUG}/overzicht").status_code == 200
    moves.cancel(first.token)  # the seat goes to the one waiting
    event_store().metas([SLUG])
    aws.dynamodb().scan(TableName=config.table_name())

    assert {"GetItem", "Query", "BatchGetItem", "Scan"} <= set(compared)  # the answers that carry items
    assert {name: all(same) for name, same in compared.items()} == dict.fromkeys(compared, True)


def test_negative_control_an_answer_that_differs_is_seen(make_event, compared, monkeypatch):
    """Were the quick answer to drop the items, the comparison would say so."""
    quick = moto_speed._as_json

    def without_items(self: Any, context: Any) -> Any:
        status, headers, body = quick(self, context)
        return status, headers, json.dumps({k: v for k, v in json.loads(body).items() if k != "Item"})

    monkeypatch.setattr(moto_speed, "_as_json", without_items)
    make_event()
    registration_store().by_token("x" * 43)  # a GetItem without an item reads the same; one with:
    event_store().get_meta(SLUG)
    assert False in compared["GetItem"]


def _cancelled_transaction() -> list[dict[str, Any]]:
    """A put, an update, a delete, then a condition that fails; the table's items afterwards."""
    table = config.table_name()
    for key in ("A", "D", "E"):  # E is named by no write
        item: dict[str, Any] = {
            "PK": {"S": key},
            "SK": {"S": "#"},
            "n": {"N": "1"},
            "m": {"M": {"x": {"L": [{"S": "y"}]}}},
        }
        aws.dynamodb().put_item(TableName=table, Item=item)
    writes: list[TransactItem] = [
        {"Put": {"TableName": table, "Item": {"PK": {"S": "B"}, "SK": {"S": "#"}}}},
        {
            "Update": {
                "TableName": table,
                "Key": {"PK": {"S": "A"}, "SK": {"S": "#"}},
                "UpdateExpression": "SET n = :two, m.x[0] = :z",
                "ExpressionAttributeValues": {":two": {"N": "2"}, ":z": {"S": "z"}},
            }
        },
        {"Delete": {"TableName": table, "Key": {"PK": {"S": "D"}, "SK": {"S": "#"}}}},
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": {"PK": {"S": "C"}, "SK": {"S": "#"}},
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
    ]
    with pytest.raises(aws.dynamodb().exceptions.TransactionCanceledException):
        aws.dynamodb().transact_write_items(TransactItems=writes)
    return sorted(aws.dynamodb().scan(TableName=table)["Items"], key=lambda item: item["PK"]["S"])


def test_a_cancelled_transaction_still_rolls_back_everything(moto):
    """None of the writes is left, as DynamoDB promises; the item no write named is as it was."""
    unchanged = {"SK": {"S": "#"}, "n": {"N": "1"}, "m": {"M": {"x": {"L": [{"S": "y"}]}}}}
    assert _cancelled_transaction() == [{"PK": {"S": key}, **unchanged} for key in ("A", "D", "E")]


def test_negative_control_a_rollback_that_shares_the_updated_item_is_seen(moto, monkeypatch):
    """Were the copy for the rollback to share the item an update changes in place, the change would stay."""
    unnamed = lambda self, transact_items: self.__dict__.update(copies={}, named={})  # noqa: E731
    monkeypatch.setattr(moto_speed._RollbackCopies, "__init__", unnamed)
    items = _cancelled_transaction()
    assert items[0]["PK"] == {"S": "A"}
    assert items[0]["n"] == {"N": "2"}


@pytest.fixture
def queried(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each Query answered both ways: whether the items, their count and the next page's key agree."""
    seen: list[bool] = []
    quick = moto_speed._query_unsorted

    def both(table: Table, *args: Any, **kwargs: Any) -> Any:
        ours, theirs = quick(table, *args, **kwargs), moto_speed._QUERY(table, *args, **kwargs)
        seen.append(([i.to_json() for i in ours[0]], *ours[1:]) == ([i.to_json() for i in theirs[0]], *theirs[1:]))
        return theirs

    monkeypatch.setattr(Table, "query", both)
    return seen


def _queries_of_two_events(client: Any) -> None:
    """Two events with registrations in two standings, read through their partitions and indexes, and
    every partition of GSI1 one item a page, from both ends."""
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    for slug in (SLUG, "netwerkbijeenkomst-twee"):
        store_event(build_event(slug=slug, capacity=2))
        for n in range(5):  # two confirmed, three waiting
            registration.register(slug, registration_form(name=f"Naam {n}"), "nl")
        assert organiser.get(f"/beheer/bijeenkomsten/{slug}/aanmeldingen").status_code == 200
        assert organiser.get(f"/events/{slug}").status_code == 200
    assert organiser.get("/events").status_code == 200
    table = config.table_name()
    partitions = {item["GSI1PK"]["S"] for item in aws.dynamodb().scan(TableName=table)["Items"] if "GSI1PK" in item}
    for partition, forward in itertools.product(sorted(partitions), (True, False)):
        params: dict[str, Any] = {
            "TableName": table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ScanIndexForward": forward,
            "Limit": 1,
        }
        while "ExclusiveStartKey" in params or "Limit" in params:
            page = aws.dynamodb().query(**params)
            params.pop("Limit", None)
            if "LastEvaluatedKey" not in page:
                break
            params.update(Limit=1, ExclusiveStartKey=page["LastEvaluatedKey"])


def test_every_query_answers_as_motos_own(moto, client, queried):
    _queries_of_two_events(client)
    assert len(queried) > 20
    assert all(queried)


def test_negative_control_a_query_that_reads_another_partition_is_seen(moto, client, queried, monkeypatch):
    """Were the quicker Query to start from the wrong items, the comparison would say so."""
    monkeypatch.setattr(moto_speed, "_candidates", lambda table, hash_key, index_name: [])
    _queries_of_two_events(client)
    assert not all(queried)

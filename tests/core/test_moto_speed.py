"""The tests' quicker DynamoDB answers (tests/support/moto_speed.py) read the same as moto's own.

Every DynamoDB answer of a registration's whole life (event page, register, the personal page, the
organisers' list, a cancellation with promotion, the figures, a table scan) is written both ways and
read back by botocore's own parser for the operation: the two must be equal, call for call.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.parsers import create_parser
from moto.dynamodb.responses import DynamoResult

from chalicelib.core import aws, config
from chalicelib.core.dynamo import TransactItem
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support import moto_speed
from tests.support.accounts import make_account, sign_in
from tests.support.factories import registration_form
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


def test_a_cancelled_transaction_still_rolls_back_everything(moto):
    """Two writes, then a condition that fails: neither write is left, as DynamoDB promises."""
    table = config.table_name()
    aws.dynamodb().put_item(TableName=table, Item={"PK": {"S": "A"}, "SK": {"S": "#"}, "n": {"N": "1"}})
    writes: list[TransactItem] = [
        {"Put": {"TableName": table, "Item": {"PK": {"S": "B"}, "SK": {"S": "#"}}}},
        {
            "Update": {
                "TableName": table,
                "Key": {"PK": {"S": "A"}, "SK": {"S": "#"}},
                "UpdateExpression": "SET n = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            }
        },
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

    items = aws.dynamodb().scan(TableName=table)["Items"]
    assert items == [{"PK": {"S": "A"}, "SK": {"S": "#"}, "n": {"N": "1"}}]

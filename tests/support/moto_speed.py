"""In-process moto's DynamoDB, the same answers at a fraction of the cost. Profiled on the fuzz suite,
two things in moto 5.2 took most of a test's time, and each is shortened here without changing what
moto does:

- Every answer went through moto's generic serializer, which looks up each member of the output shape
  on the result by several aliases (about 70% of an in-process call for items of many attributes).
  moto's DynamoDB results are the wire format already (`dynamo_to_dict`), so they are written with
  `json.dumps`; errors, and results that are not plain JSON, still go through moto's serializer.
- A transaction copies the whole table before it runs, so that it can roll back, once per item it
  writes: a transaction of 20 items copied the table 20 times, every attribute of every item. Here
  one copy is made per call, and only of what a transaction can change: the partitions (which items
  there are) and the items it names; the other items are shared with the table, as nothing in the
  call changes them (a Put replaces its item, a Delete takes it away, an Update changes the one
  named in place).
- A Query sorted every item of the table before it looked at any (the fuzz test of the event form,
  which stores an audit entry per accepted edit, spent an eighth of its time there, more with every
  entry). Its answer is sorted again after filtering, by keys that are unique (a partition's sort
  key; an index's keys and the table's), so here it starts from the items unsorted, and a Query of
  the table from its one partition only.

`tests/core/test_moto_speed.py` checks that botocore reads the same answers, and the transactions
still roll back, either way.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult

_SERIALIZED = DynamoResult.execute_result
_TRANSACT = DynamoDBBackend.transact_write_items
_QUERY = Table.query
JSON_1_0 = {"Content-Type": "application/x-amz-json-1.0"}


def _as_json(self: DynamoResult, context: Any) -> Any:
    result = self.result
    if isinstance(result, dict):
        try:
            return 200, dict(JSON_1_0), json.dumps(result)
        except TypeError:  # a date or a set: moto's serializer knows how to write it
            pass
    return _SERIALIZED(self, context)


class _RollbackCopies:
    """Stands in for the `copy` module inside moto's DynamoDB backend during one transaction."""

    def __init__(self, transact_items: list[dict[str, Any]]) -> None:
        self.copies: dict[int, Table] = {}
        self.named: dict[str, list[dict[str, Any]]] = {}  # per table, the keys of the items named
        for transact_item in transact_items:
            for kind, operation in transact_item.items():
                key = operation.get("Item" if kind == "Put" else "Key", {})
                self.named.setdefault(operation.get("TableName", ""), []).append(key)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self.copies:
            self.copies[id(value)] = self._as_it_is(value)
        return self.copies[id(value)]

    def _as_it_is(self, table: Table) -> Table:
        if table.range_key_attr is None or table.stream_shard is not None:
            return copy.deepcopy(table)  # shapes this shortcut does not know
        before = copy.copy(table)
        before.items = defaultdict(dict, {hash_key: dict(items) for hash_key, items in table.items.items()})
        for key in self.named.get(table.name, []):
            if table.hash_key_attr in key and table.range_key_attr in key:
                partition = before.items.get(DynamoType(key[table.hash_key_attr]), {})
                sort_key = DynamoType(key[table.range_key_attr])
                if sort_key in partition:
                    partition[sort_key] = copy.deepcopy(partition[sort_key])
        return before


@contextmanager
def _rollback_copies(transact_items: list[dict[str, Any]]) -> Iterator[None]:
    # moto server serves one request at a time (devtools/motoserver.py), and mock_aws one call at a time
    # moto's module calls `copy.deepcopy` by that module name, which is swapped for the duration
    dynamodb_models.copy = _RollbackCopies(transact_items)  # type: ignore[attr-defined, assignment]
    try:
        yield
    finally:
        dynamodb_models.copy = copy  # type: ignore[attr-defined]


def _transact_copying_less(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    with _rollback_copies(transact_items):
        _TRANSACT(self, transact_items)


def _candidates(table: Table, hash_key: Any, index_name: str | None) -> list[Any]:
    """The items a Query may answer with, in no order: a Query of the table reads one partition."""
    if index_name is None and table.range_key_attr and hash_key is not None:
        return list(table.items.get(hash_key, {}).values())
    if table.range_key_attr:
        return [item for partition in table.items.values() for item in partition.values()]
    return list(table.items.values())


def _query_unsorted(table: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    # moto's query takes the index's name as its eighth argument, by position or by name
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    candidates = _candidates(table, hash_key, index_name)
    # for this one call (one at a time, as above) the query reads these instead of the sorted table
    table.all_items = lambda: candidates  # type: ignore[method-assign]
    try:
        return _QUERY(table, hash_key, *args, **kwargs)
    finally:
        del table.all_items


def install() -> None:
    DynamoResult.execute_result = _as_json  # type: ignore[method-assign, assignment]  # moto's own result, as JSON
    DynamoDBBackend.transact_write_items = _transact_copying_less  # type: ignore[method-assign]
    Table.query = _query_unsorted  # type: ignore[method-assign, assignment]


def uninstall() -> None:
    DynamoResult.execute_result = _SERIALIZED  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _TRANSACT  # type: ignore[method-assign]
    Table.query = _QUERY  # type: ignore[method-assign]

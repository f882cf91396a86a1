"""Counting the AWS API calls the portal's clients make (botocore event hooks)."""

from __future__ import annotations

from collections import Counter

from botocore.model import OperationModel

from chalicelib.core import aws
from chalicelib.core.jsontypes import JsonObject


class AwsCalls:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items_read = 0  # DynamoDB items that came back, over every call

    def _record(self, model: OperationModel, **_: object) -> None:
        self.calls[f"{model.service_model.service_name}.{model.name}"] += 1

    def _count_items(self, parsed: JsonObject, **_: object) -> None:
        self.items_read += len(parsed.get("Items", [])) + ("Item" in parsed)
        batches = parsed.get("Responses")  # BatchGetItem: per table
        if isinstance(batches, dict):
            self.items_read += sum(len(items) for items in batches.values())

    def attach(self) -> AwsCalls:
        for client in (aws.dynamodb(), aws.ses(), aws.sqs()):
            client.meta.events.register("before-call.*.*", self._record)
        aws.dynamodb().meta.events.register("after-call.dynamodb.*", self._count_items)
        return self

    def service(self, name: str) -> int:
        return sum(n for op, n in self.calls.items() if op.startswith(f"{name}."))

    def reset(self) -> None:
        self.calls.clear()
        self.items_read = 0

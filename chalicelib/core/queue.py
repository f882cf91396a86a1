"""SQS queues: what a request or a worker puts on a queue for a worker to do (mail, exports).

Every message names the network it was put in (`network`), and its worker runs inside that network
(networks/service.of_message): work never crosses from one network to another on its way through a queue.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws, tenancy
from chalicelib.core.jsontypes import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef, SendMessageRequestTypeDef

SQS_BATCH = 10  # SendMessageBatch takes ten messages at a time


def _in_network(message: JsonObject) -> JsonObject:
    """The message with its network: the current one, unless it names one already (a message taken
    back from a dead-letter queue keeps the network it was put in)."""
    return {"network": tenancy.name(), **message}


def put(queue_url: str, message: JsonObject, group: str = "", delay: int = 0) -> None:
    """One message; `group` for a FIFO queue, whose messages of one group are handled one at a time, in
    order; `delay` seconds (at most 900) before a worker may see it (standard queues)."""
    request: SendMessageRequestTypeDef = {"QueueUrl": queue_url, "MessageBody": json.dumps(_in_network(message))}
    if group:
        request |= {"MessageGroupId": group, "MessageDeduplicationId": secrets.token_hex(16)}
    if delay:
        request["DelaySeconds"] = delay
    aws.sqs().send_message(**request)


def put_many(queue_url: str, messages: list[JsonObject]) -> None:
    """Several messages, ten to a call; raises if SQS refused any of them."""
    for start in range(0, len(messages), SQS_BATCH):
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "MessageBody": json.dumps(_in_network(m))}
            for i, m in enumerate(messages[start : start + SQS_BATCH])
        ]
        response = aws.sqs().send_message_batch(QueueUrl=queue_url, Entries=entries)
        if response.get("Failed"):
            codes = ", ".join(sorted({f.get("Code", "?") for f in response["Failed"]}))
            raise RuntimeError(f"SQS refused {len(response['Failed'])} messages: {codes}")


def come_back_in(queue_url: str, receipt_handle: str, seconds: int) -> None:
    """A message that failed becomes visible again after `seconds` instead of the queue's visibility
    timeout. Best effort: if SQS cannot be told, the message comes back after the timeout anyway."""
    with contextlib.suppress(ClientError, BotoCoreError):
        aws.sqs().change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)

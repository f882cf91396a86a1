"""The extraction worker: reads the text of one material's file for search, then tells the index worker.

One message per material on a standard queue, so several files are read at once and a file that
takes its whole budget holds up no other. The reading (`extract.py`) ends within its budget
whatever the file does, with the text it got and, if it stopped early, why; both are kept in S3
under a key naming the file's version, and the reason also on the material, where organisers see
it. So the work is idempotent by material and file version: a message delivered again, or one for
an edit that changed no file, finds the reading done and only passes the change on. A failure of
S3, DynamoDB or SQS raises: the message comes back, and after a few receives it waits in the
dead-letter queue (an alarm tells) until `manage.py reindex` moves it back (`take_up_dead_letters`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from chalicelib.core import aws, config, queue
from chalicelib.library import extract, search, search_files
from chalicelib.library.model import TextProblem
from chalicelib.library.store import library_store

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import DeleteMessageBatchRequestEntryTypeDef

log = logging.getLogger(__name__)


def handle(body: str) -> None:
    """One extraction queue message: the material's file read (unless it was) and the index told."""
    material_id = str(json.loads(body)["material"])
    material = library_store().material(material_id)
    if material is not None:
        result = search_files.extracted(material)
        if result is None:
            content = search_files.file_content(material.object_key, material.object_version)
            # a file that is gone would fail on every delivery: it gives up at once, with its reason
            gone = extract.Extracted("", TextProblem.UNREADABLE)
            result = gone if content is None else extract.text_of(content, material.file_type)
            search_files.keep_extracted(material, result)
            if result.problem:
                log.warning("text of %s stopped early: %s", material.id, result.problem)
        if material.text_problem != result.problem:
            # the same again when a save of the material, made from an earlier read, left it out
            library_store().record_text_problem(material, result.problem)
    search.text_ready(material_id)


def take_up_dead_letters() -> int:
    """Move what waits in the extraction queue's dead-letter queue back to the queue, to be read
    again; the number moved. A message is deleted from the dead-letter queue only once it is queued."""
    sqs, url = aws.sqs(), config.extract_queue_url()
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    dead_name = json.loads(policy)["deadLetterTargetArn"].rsplit(":", 1)[1]
    dead_url = sqs.get_queue_url(QueueName=dead_name)["QueueUrl"]
    moved = 0
    while True:
        # a second's long poll: a short one may miss messages that SQS keeps on other servers
        messages = sqs.receive_message(QueueUrl=dead_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not messages:
            return moved
        queue.put_many(url, [json.loads(m["Body"]) for m in messages])
        done: list[DeleteMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
        ]
        sqs.delete_message_batch(QueueUrl=dead_url, Entries=done)
        moved += len(messages)

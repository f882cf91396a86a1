"""The local stage's AWS on in-process moto: its settings, emptying it between tests, running the
workers until their queues are empty, and the mail SES accepted.

No test can reach real AWS: credentials are fake and every AWS test runs inside `mock_aws` or
against a moto server on 127.0.0.1.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core import aws
from chalicelib.core.config import TIMEZONE
from chalicelib.core.tenancy import Network
from chalicelib.library import search
from chalicelib.mail import outbox
from chalicelib.networks import service as networks
from devtools.queueworker import deliver_all, from_topic
from devtools.resources import QUEUES, SES_EVENTS, create_all, create_queues, create_table, dead_letter_url

ROOT = Path(__file__).resolve().parent.parent.parent
REGION = "eu-west-1"
LOCAL_STAGE = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["local"]["environment_variables"]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=TIMEZONE)


@functools.cache
def test_clients() -> tuple[Any, Any, Any]:
    """The fixtures' own clients, made once: making a client costs more than emptying the table."""
    session = boto3.session.Session(region_name=REGION)
    return session.client("dynamodb"), session.client("s3"), session.client("sqs")


def local_network() -> Network:
    """The local stage's default network, as its environment describes it: for what runs before a
    test's own fixtures have put that environment in place (collection, a module's fixture)."""
    with mock.patch.dict(os.environ, LOCAL_STAGE):
        return networks.from_environment()


# Past this many items a table is made again rather than emptied (a test at scale leaves 10,000).
MADE_AGAIN_AFTER = 1000


def empty_resources() -> None:
    """Every item, object version, queued message and sent mail of the local stage's resources removed."""
    dynamodb, s3, sqs = test_clients()
    table = LOCAL_STAGE["TABLE_NAME"]
    if dynamodb.describe_table(TableName=table)["Table"]["ItemCount"] > MADE_AGAIN_AFTER:
        dynamodb.delete_table(TableName=table)
        create_table(dynamodb, table)
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="PK, SK"):
        for start in range(0, len(page["Items"]), 25):
            deletes = [{"DeleteRequest": {"Key": key}} for key in page["Items"][start : start + 25]]
            dynamodb.batch_write_item(RequestItems={table: deletes})
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=LOCAL_STAGE["BUCKET_NAME"]):
        versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        if versions:
            objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions]
            s3.delete_objects(Bucket=LOCAL_STAGE["BUCKET_NAME"], Delete={"Objects": objects})
    # SQS allows one purge a minute; a fresh pair of queues costs less than waiting
    for variable, resource in QUEUES.items():
        for url in (LOCAL_STAGE[variable], dead_letter_url(LOCAL_STAGE[variable])):
            sqs.delete_queue(QueueUrl=url)
        create_queues(sqs, LOCAL_STAGE[variable], resource, visibility_seconds=30)
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])
    sqs.create_queue(QueueName=SES_EVENTS)  # the topic's subscription names it by its unchanged ARN
    ses = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    ses.sent_messages.clear()
    ses.sent_message_count = ses.rejected_messages_count = 0


# A registration through the form or the API: read the event, count the mail to the address typed,
# one transaction, the mail. The same for a new registration and for an address registered already.
REGISTERING_CALLS = {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 2, "ses.SendRawEmail": 1}
# With a one-time key (the form's hidden value, the API's Idempotency-Key) the key rides in the
# registration's transaction, and one UpdateItem notes that the mail went, so that a repeat neither
# sends it again nor waits. A known address records its key with an UpdateItem before the mail instead.
KEYED_REGISTERING_CALLS = {**REGISTERING_CALLS, "dynamodb.UpdateItem": 1}

# An organiser starts a job about an event (an export, a message to its attendees): the session, the
# event, one transaction (the job and its audit entry), one SQS message. Nothing grows with the people
# it concerns: the worker reads them.
STARTING_A_JOB_CALLS = {
    "dynamodb.BatchGetItem": 1,
    "dynamodb.Query": 1,
    "dynamodb.TransactWriteItems": 1,
    "sqs.SendMessage": 1,
}


def deliver_mail() -> int:
    """Run the mail worker until the queue is empty, through the handler Lambda calls; the messages handled."""
    from chalicelib.views.jobs import send_mail

    return deliver_all(aws.sqs(), LOCAL_STAGE["MAIL_QUEUE_URL"], send_mail)


def deliver_sign_in_links() -> int:
    """Run the sign-in worker until its queue is empty: the links asked for are mailed (to approved accounts)."""
    from chalicelib.views.jobs import send_sign_in_link

    return deliver_all(aws.sqs(), LOCAL_STAGE["SIGNIN_QUEUE_URL"], send_sign_in_link)


def deliver_extractions() -> int:
    """Run the extraction worker until its queue is empty, through the handler Lambda calls: each
    material's text read (or found read) and its change passed on to the index queue."""
    from chalicelib.views.jobs import extract_text

    return deliver_all(aws.sqs(), LOCAL_STAGE["EXTRACT_QUEUE_URL"], extract_text)


def deliver_index() -> int:
    """Run the extraction worker and then the search index worker until both queues are empty (a
    rebuild queues readings of missing texts), through the handlers Lambda calls; then drop this
    process's copy of the index, as a web function does when it next asks S3. The
    number of index updates."""
    from chalicelib.views.jobs import update_search_index

    handled = 0
    while True:
        read = deliver_extractions()
        updated = deliver_all(aws.sqs(), LOCAL_STAGE["INDEX_QUEUE_URL"], update_search_index)
        handled += updated
        if not read and not updated:
            break
    search.forget_copy()
    return handled


def deliver_exports() -> int:
    """Run the export worker until its queue is empty, through the handler Lambda calls."""
    from chalicelib.views.jobs import make_export

    return deliver_all(aws.sqs(), LOCAL_STAGE["EXPORT_QUEUE_URL"], make_export)


def deliver_uploads() -> int:
    """Run the upload check until its queue is empty: every upload S3 reported is checked, as if its
    browser never came back."""
    from chalicelib.views.jobs import check_upload

    return deliver_all(aws.sqs(), LOCAL_STAGE["UPLOAD_QUEUE_URL"], check_upload)


def _ses_events_url() -> str:
    return str(aws.sqs().get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])


def deliver_ses_events() -> int:
    """Hand what SNS put on the local SES-events queue to the notifications handler, as Lambda's SNS event."""
    from chalicelib.views.jobs import ses_notifications

    return deliver_all(aws.sqs(), _ses_events_url(), from_topic(ses_notifications))


@dataclass(frozen=True)
class Mail:
    destinations: dict[str, list[str]]
    subject: str
    body: str  # the HTML part
    raw: str  # the MIME text


def sent_mail() -> list[Mail]:
    """What moto's SES accepted, oldest first, read with the local outbox's parser."""
    mails = []
    for message in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages:
        parsed = outbox.parse(vars(message))
        mails.append(Mail({"ToAddresses": parsed.to.split(", ")}, parsed.subject, parsed.html, message.raw_data))
    return mails


@contextmanager
def hooked(client: BaseClient, event: str, handler: Callable[..., None]) -> Iterator[None]:
    """A botocore hook on the client (to see or to rewrite its requests) for the block only: the portal's
    clients live as long as the process, so a hook left behind would reach every later test."""
    client.meta.events.register(event, handler)
    try:
        yield
    finally:
        client.meta.events.unregister(event, handler)


@contextmanager
def rewritten_updates(stage: str, rewrite: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """Every Update in the table's TransactWriteItems requests goes through `rewrite` at botocore's `stage`
    before it is sent, for the block only: how a negative control cuts a condition out of a transaction."""

    def each_update(params: dict[str, Any], **_: Any) -> None:
        for item in params.get("TransactItems", []):
            if "Update" in item:
                rewrite(item["Update"])

    with hooked(aws.dynamodb(), f"{stage}.dynamodb.TransactWriteItems", each_update):
        yield


_MOTO = mock_aws()


@contextmanager
def local_stage() -> Iterator[None]:
    """In-process moto with the local stage's table, bucket, queues and SES sender, empty on entry.

    Making them takes 0.3-0.6 s, emptying them about 0.02 s, so they are made once and kept
    (patching stops on exit, the data stays until the next entry empties it). Emptied: every item,
    every object version, every queued message and the sent mail, which is all the portal writes.
    Kept: the resources' own settings (a test that changes a bucket setting must put it back). The
    moto server tests reset moto's backends in this same process; the resources are then made again.
    """
    _MOTO.start(reset=False)
    try:
        try:
            test_clients()[0].describe_table(TableName=LOCAL_STAGE["TABLE_NAME"])
        except ClientError:
            create_all(boto3.session.Session(), LOCAL_STAGE)
        empty_resources()  # once made, too: S3 put its test event on the upload queue
        search.forget_copy()  # the last test's index is gone from the bucket
        yield
    finally:
        _MOTO.stop(remove_data=False)

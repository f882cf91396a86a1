"""The workers on this machine: poll the queues on moto server and call the same handlers Lambda
would (`chalicelib.views.jobs`), with the event shapes Lambda gives them.

As with Lambda's SQS event source, a message is deleted when the handler returns and left on the
queue when it raises, so SQS delivers it again after its visibility timeout and, after the
redrive policy's receive count, moves it to the dead-letter queue. The extraction queue has a
thread of its own (`extraction_worker`). S3 reports new uploads to their queue here as in the stack
(moto server sends bucket notifications to SQS). SES's bounce and complaint notifications reach a
queue subscribed to the SES topic here (Lambda subscribes to the topic itself in the stack); each is
handed on as the SNS event Lambda would get. `make run` starts this;
the tests use `deliver_all` to run one handler until its queue is empty.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import boto3

from chalicelib.core.jsontypes import JsonObject

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

log = logging.getLogger("worker")
# a Lambda handler as the worker calls it: the event, and no context
Handler = Callable[[JsonObject, None], object]


def lambda_event(message: MessageTypeDef, queue_arn: str, region: str) -> JsonObject:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        ]
    }


def sns_event(envelope: JsonObject) -> JsonObject:
    """The event Lambda gets from an SNS subscription, made from the notification SNS put on a queue."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{envelope['TopicArn']}:local",
                "Sns": {
                    "Type": envelope["Type"],
                    "MessageId": envelope["MessageId"],
                    "TopicArn": envelope["TopicArn"],
                    "Subject": envelope.get("Subject"),
                    "Message": envelope["Message"],
                    "Timestamp": envelope["Timestamp"],
                    "SignatureVersion": envelope.get("SignatureVersion", "1"),
                    "Signature": envelope.get("Signature", ""),
                    "SigningCertUrl": envelope.get("SigningCertURL", ""),
                    "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
                    "MessageAttributes": envelope.get("MessageAttributes", {}),
                },
            }
        ]
    }


def from_topic(handler: Handler) -> Handler:
    """A handler of SNS events, fed from a queue subscribed to the topic."""

    def handle(event: JsonObject, context: None) -> object:
        return handler(sns_event(json.loads(event["Records"][0]["body"])), context)

    return handle


def poll_once(sqs: SQSClient, queue_url: str, handler: Handler, wait_seconds: int = 0) -> int:
    """Receive at most one message and hand it to the handler; the number of messages received."""
    response = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=wait_seconds, AttributeNames=["All"]
    )
    messages = response.get("Messages", [])
    for message in messages:
        arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        try:
            handler(lambda_event(message, arn, sqs.meta.region_name), None)
        except Exception as error:
            log.warning(
                "worker failed (%s); the message comes back after its visibility timeout",
                type(error).__name__,
                exc_info=True,
            )
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def deliver_all(sqs: SQSClient, queue_url: str, handler: Handler, most: int = 10_000) -> int:
    """Run a worker until its queue has nothing visible; the number of messages handled."""
    handled = 0
    while handled < most:
        received = poll_once(sqs, queue_url, handler)
        if not received:
            return handled
        handled += received
    raise RuntimeError(f"still messages after {most}: a loop?")


def workers(stage: Mapping[str, str], ses_events_url: str) -> list[tuple[str, Handler]]:
    """Each local queue with the handler Lambda would call for it."""
    from chalicelib.views.jobs import (  # imported as Lambda would
        check_upload,
        make_export,
        send_mail,
        send_sign_in_link,
        ses_notifications,
        update_search_index,
    )

    return [
        (stage["MAIL_QUEUE_URL"], send_mail),
        (stage["SIGNIN_QUEUE_URL"], send_sign_in_link),
        (stage["EXPORT_QUEUE_URL"], make_export),
        (stage["INDEX_QUEUE_URL"], update_search_index),
        (stage["UPLOAD_QUEUE_URL"], check_upload),
        (ses_events_url, from_topic(ses_notifications)),
    ]


def extraction_worker(stage: Mapping[str, str]) -> tuple[str, Handler]:
    """The extraction queue with its handler: apart from the others, since reading one file may take
    its whole budget (EXTRACT_SECONDS), which would hold up every other queue of the one loop."""
    from chalicelib.views.jobs import extract_text  # imported as Lambda would

    return stage["EXTRACT_QUEUE_URL"], extract_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage-json", required=True, help="the local stage's environment variables, as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from devtools.resources import SES_EVENTS

    sqs = boto3.session.Session().client("sqs")
    stage = json.loads(args.stage_json)
    queues = workers(stage, sqs.get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])
    # Lambda reads files in functions of their own, several at once; here one thread of its own does
    threading.Thread(target=poll_forever, args=(sqs, [extraction_worker(stage)]), daemon=True).start()
    poll_forever(sqs, queues)


# The pause after a round of polls that found nothing: it doubles from the first to the longest and
# starts again after a round that found work. An idle `make run` then costs moto server and this
# process a few requests every LONGEST_PAUSE seconds, and a message that comes after a quiet spell
# waits at most that long; one that comes while work goes on waits for no pause at all.
FIRST_PAUSE, LONGEST_PAUSE = 0.1, 2.0


def poll_forever(sqs: SQSClient, queues: list[tuple[str, Handler]]) -> None:
    """Poll every queue once a round, handing each message to its handler, until interrupted."""
    pause = FIRST_PAUSE
    while True:
        try:
            # short polls with a pause: moto server answers one request at a time, and a long poll
            # would hold the portal's own requests behind it
            if sum(poll_once(sqs, url, handler) for url, handler in queues):
                pause = FIRST_PAUSE
                continue
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
        except KeyboardInterrupt:
            return
        except Exception as error:
            log.warning("polling failed: %s", type(error).__name__)
            time.sleep(LONGEST_PAUSE)


if __name__ == "__main__":
    main()

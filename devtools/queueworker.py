"""The mail worker on this machine: polls the mail queue on moto server and calls the same handler
Lambda would (`chalicelib.views.jobs.send_mail`), with the event shape Lambda gives it.

As with Lambda's SQS event source, a message is deleted when the handler returns and left on the
queue when it raises, so SQS delivers it again after its visibility timeout and, after the
redrive policy's receive count, moves it to the dead-letter queue. `make run` starts it; the
tests use `deliver_all` to run the worker until the queue is empty.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from typing import Any

import boto3

log = logging.getLogger("mail-worker")
Handler = Callable[[dict[str, Any], Any], Any]


def lambda_event(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
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


def poll_once(sqs: Any, queue_url: str, handler: Handler, wait_seconds: int = 0) -> int:
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
                "mail worker failed (%s); the message comes back after its visibility timeout", type(error).__name__
            )
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def deliver_all(sqs: Any, queue_url: str, handler: Handler, most: int = 10_000) -> int:
    """Run the worker until the queue has nothing visible; the number of messages handled."""
    handled = 0
    while handled < most:
        received = poll_once(sqs, queue_url, handler)
        if not received:
            return handled
        handled += received
    raise RuntimeError(f"still messages after {most}: a loop?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queue-url", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from chalicelib.views.jobs import send_mail  # the app's own handler, imported as Lambda would

    sqs = boto3.session.Session().client("sqs")
    while True:
        try:
            # short polls with a pause: moto server answers one request at a time, and a long poll
            # would hold the portal's own requests behind it
            if not poll_once(sqs, args.queue_url, send_mail):
                time.sleep(0.5)
        except KeyboardInterrupt:
            return
        except Exception as error:
            log.warning("polling failed: %s", type(error).__name__)
            time.sleep(1)


if __name__ == "__main__":
    main()

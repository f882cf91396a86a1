"""boto3 clients, created once per process on first use, from one session.

Making a client costs 100-150 ms, most of it the session reading botocore's service models from
disk; one session keeps what it read, so every later client of the process costs less.
Clients are thread-safe; resources and sessions are not, so the app uses clients only and makes
them one at a time. `reset()` exists for tests that switch between moto backends: it forgets the
clients, not what the session read.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from chalicelib.core import config

if TYPE_CHECKING:  # the stubs are for the type checker; the Lambda package does not carry them
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient

# Fail fast instead of hanging a Lambda on a slow dependency; retries stay on
# for throttling, which moto never produces but DynamoDB does.
_CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


# presigned POSTs and URLs are signed with SigV4, which every region accepts
_S3_CONFIG = _CLIENT_CONFIG.merge(Config(signature_version="s3v4"))

# SES without botocore's own retries: a send that timed out after the request left may have been
# delivered, so whether to send it again is the caller's decision (the mail worker retries only
# what proves nothing was sent; a web request reports the mail as not sent).
_SES_CONFIG = _CLIENT_CONFIG.merge(Config(retries={"total_max_attempts": 1, "mode": "standard"}))
# The mail worker has a minute, not a visitor's patience: a slow answer from SES is still an answer,
# where a timeout is an unknown outcome that costs the recipient a second copy.
_SES_WORKER_CONFIG = _SES_CONFIG.merge(Config(read_timeout=config.MAIL_WORKER_READ_TIMEOUT))


# a transaction cancelled only because another one touched the same item is tried again this often
TRANSACTION_ATTEMPTS = 4


def retry_conflicts(
    attempts: int, response: tuple[object, Mapping[str, Any]] | None = None, **_: object
) -> float | None:
    """botocore's `needs-retry` hook for TransactWriteItems: a transaction that DynamoDB cancelled
    for a conflict alone (no condition failed) wrote nothing and is sent again after a short,
    jittered wait. botocore's own retries leave these alone; without this, two organisers checking
    in at the door while people register would see a conflict for nothing."""
    if response is None or attempts >= TRANSACTION_ATTEMPTS:
        return None
    error = response[1].get("Error", {})
    reasons = {reason.get("Code", "None") for reason in response[1].get("CancellationReasons", [])}
    if error.get("Code") != "TransactionCanceledException" or "TransactionConflict" not in reasons:
        return None
    if not reasons <= {"TransactionConflict", "None"}:
        return None  # a condition failed too: that is an answer, not a fault
    return random.uniform(0.01, 0.05) * 2.0**attempts  # noqa: S311 (jitter, not a secret)


_making = threading.Lock()


@cache
def _session() -> boto3.session.Session:
    return boto3.session.Session()


# One function per service, each naming its service literally, so that the stubs give its client's type.


@cache
def dynamodb() -> DynamoDBClient:
    with _making:
        client = _session().client("dynamodb", endpoint_url=config.aws_endpoint_url(), config=_CLIENT_CONFIG)
    # botocore-stubs types every handler as returning None; a needs-retry handler returns the wait
    client.meta.events.register("needs-retry.dynamodb.TransactWriteItems", retry_conflicts)  # type: ignore[arg-type]
    return client


@cache
def ses() -> SESClient:
    """SES for a mail sent in a web request (a confirmation, a sign-in link)."""
    with _making:
        return _session().client("ses", endpoint_url=config.aws_endpoint_url(), config=_SES_CONFIG)


@cache
def ses_for_worker() -> SESClient:
    """SES for the mail worker, which waits longer for an answer."""
    with _making:
        return _session().client("ses", endpoint_url=config.aws_endpoint_url(), config=_SES_WORKER_CONFIG)


@cache
def s3() -> S3Client:
    with _making:
        return _session().client("s3", endpoint_url=config.aws_endpoint_url(), config=_S3_CONFIG)


@cache
def sqs() -> SQSClient:
    with _making:
        return _session().client("sqs", endpoint_url=config.aws_endpoint_url(), config=_CLIENT_CONFIG)


@cache
def ssm() -> SSMClient:
    with _making:
        return _session().client("ssm", endpoint_url=config.aws_endpoint_url(), config=_CLIENT_CONFIG)


def reset() -> None:
    for made in (dynamodb, ses, ses_for_worker, s3, sqs, ssm):
        made.cache_clear()

"""Which AWS failures are passing faults (throttling, a service's 5xx, a lost connection) rather than
mistakes in our code: those become `ServiceBusy` (503 "try again in a moment"), the rest stay errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from chalicelib.core.dynamo import cancellation_codes, is_cancelled
from chalicelib.core.errors import ServiceBusy

# error codes of DynamoDB, S3, SES and SQS that mean "not now" rather than "not so"
_PASSING = {
    "ThrottlingException",
    "Throttling",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "InternalServerError",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "SlowDown",
    "RequestTimeout",
    "RequestTimeoutException",
}
# per-item reasons of a cancelled transaction that mean the same
_PASSING_REASONS = {"ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded"}


def is_passing(error: BaseException) -> bool:
    """A fault that trying again later may cure: throttling, a conflict, a 5xx, no connection."""
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return True
    if not isinstance(error, ClientError):
        return False
    if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
        return not is_cancelled(error) and bool(_PASSING_REASONS.intersection(cancellation_codes(error)))
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    return error.response.get("Error", {}).get("Code") in _PASSING or status >= 500


def is_aws_error(error: BaseException) -> bool:
    """Any failure of an AWS call: an answer with an error, or none at all."""
    return isinstance(error, (ClientError, BotoCoreError))


P = ParamSpec("P")
R = TypeVar("R")


def reported_as_busy(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose passing AWS faults become ServiceBusy (every route gets this in app.py): Chalice
    turns any other exception into its bare 500 before the error middleware could tell them apart."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except (ClientError, ConnectionError, HTTPClientError) as error:
            if is_passing(error):
                raise ServiceBusy() from error
            raise

    return guarded

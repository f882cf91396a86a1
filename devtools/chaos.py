"""AWS at its worst, inside a process of the local stack: `python -m devtools.chaos portal|worker ...`
runs `chalice local` or the queue worker with faults injected into a share of its AWS calls.

Each DynamoDB, S3 and SES call is, with probability SOAK_FAULT_RATE, answered as AWS answers under
stress: throttled, a 5xx, or (DynamoDB and SES) carried out with its answer lost, a read timeout
after the request left, so that the caller cannot know it took effect. SES is also slowed down.
The faults are given at botocore's `before-send`, so botocore's parser, its retries and the
portal's own handling all run as they would against AWS. `make soak` starts its stack this way.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from botocore.httpsession import URLLib3Session

# what each service may answer instead: (error code, HTTP status), or LOST (carried out, answer lost)
LOST = ("", 0)
SLOW = ("", 1)
FAULTS: dict[str, list[tuple[str, int]]] = {
    "dynamodb": [("ThrottlingException", 400), ("InternalServerError", 500), LOST],
    "s3": [("SlowDown", 503), ("InternalError", 500)],
    "ses": [("Throttling", 400), ("ServiceUnavailable", 503), LOST, SLOW, SLOW],
}


class _Raw:
    """Just enough of urllib3's response for botocore to read an error body."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def error_body(protocol: str, code: str, reasons: list[str] | None = None) -> tuple[dict[str, str], bytes]:
    """An AWS error answer in the service's protocol: JSON (DynamoDB), REST-XML (S3) or query XML (SES)."""
    if protocol.startswith("json"):
        body: dict[str, Any] = {"__type": f"com.amazonaws#{code}", "message": f"injected {code}"}
        if reasons is not None:
            body["CancellationReasons"] = [{"Code": reason} for reason in reasons]
        return {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body).encode()
    if protocol == "rest-xml":  # S3
        return {}, f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
    xml = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected</Message></Error></ErrorResponse>"
    return {}, xml.encode()


def error_response(url: str, protocol: str, code: str, status: int, reasons: list[str] | None = None) -> AWSResponse:
    headers, body = error_body(protocol, code, reasons)
    # botocore makes its HeadersDict of any mapping; botocore-stubs ask for http.client's HTTPHeaders
    return AWSResponse(url, status, headers, _Raw(body))  # type: ignore[arg-type]


PROTOCOLS = {"dynamodb": "json", "s3": "rest-xml", "ses": "query"}


def install(rate: float, seed: int) -> None:
    """Every botocore session made after this injects faults (its built-in handlers are copied from
    the list extended here when the session is made)."""
    pick = random.Random(seed)  # noqa: S311 (chaos, not a secret)
    lock = threading.Lock()

    def inject(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        service = event_name.split(".")[1]
        if service not in FAULTS:
            return None
        with lock:
            if pick.random() >= rate:
                return None
            fault = pick.choice(FAULTS[service])
            pause = pick.uniform(0.5, 3.0)
        print(f"chaos: {event_name} {fault[0] or ('slow' if fault == SLOW else 'answer lost')}", file=sys.stderr)
        if fault == SLOW:
            time.sleep(pause)  # then AWS answers as usual
            return None
        if fault == LOST:
            URLLib3Session().send(request)
            raise ReadTimeoutError(endpoint_url=request.url)
        code, status = fault
        return error_response(request.url, PROTOCOLS[service], code, status)

    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", inject))


def main() -> None:
    """`portal <chalice local's arguments>` or `worker <the queue worker's arguments>`."""
    role, *arguments = sys.argv[1:]
    install(float(os.environ.get("SOAK_FAULT_RATE", "0.02")), int(os.environ.get("SOAK_FAULT_SEED", "0")))
    if role == "portal":
        from chalice.cli import main as chalice

        from devtools.localgateway import install as greedy_routes

        greedy_routes()
        sys.argv = ["chalice", *arguments]
        sys.exit(chalice())
    from devtools.queueworker import main as worker

    sys.argv = ["queueworker", *arguments]
    worker()


if __name__ == "__main__":
    main()

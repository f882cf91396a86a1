"""What an operator sees: one JSON log line per request and per job, and business metrics as
CloudWatch embedded metric format (EMF) lines, which CloudWatch turns into metrics without an API call.

Why not AWS Lambda Powertools: importing it costs about 63 ms on a cold start here (its package
imports Logger, Metrics and Tracer together), a quarter of the portal's whole import; the two
formats it would write for us are a JSON object per line and EMF's `_aws` envelope, both below.
X-Ray tracing is switched on in the template, which needs no code.

No personal data goes into a line: requests are logged by their route template
(`/r/{token}`, never the token), and `fields` passed by the code hold counts, ids and error codes.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import ParamSpec, TypeVar

NAMESPACE = "NetworkPortal"
# the loggers the portal writes to; INFO is kept (the runtime's default level would drop it)
PORTAL_LOGGERS = ("chalicelib", "app")

log = logging.getLogger(__name__)

# the request or job being handled: a Lambda process handles one at a time
context: dict[str, str] = {}
_metrics: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
_counting = threading.Lock()


class JsonLines(logging.Formatter):
    """A log record as one JSON object: level, logger, message, the request or job it belongs to,
    and the record's `extra` fields."""

    _plain = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context,
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in self._plain})
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__  # the class only: a message may hold data
        return json.dumps(line, default=str, ensure_ascii=False)


def setup() -> None:
    """Write the portal's logs as JSON lines, INFO and up: through the Lambda runtime's own handler
    where there is one (so each line is written once and carries Lambda's request id), or
    `chalice local`'s, else to stdout."""
    for name in PORTAL_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    root = logging.getLogger()
    for handler in root.handlers:
        # Lambda's runtime handler, or the plain one `chalice local` sets up; not a test runner's own
        if type(handler).__name__.startswith("LambdaLoggerHandler") or type(handler) is logging.StreamHandler:
            handler.setFormatter(JsonLines())
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonLines())
        root.addHandler(handler)


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """A business event (a registration, a failed mail by its SES code ...), emitted at `flush`. The
    mail worker counts from several threads: the lock keeps every increment."""
    with _counting:
        _metrics[(name, tuple(sorted(dimensions.items())))] += value


def flush() -> None:
    """Write the counted metrics as EMF lines (one per set of dimensions) and start afresh."""
    by_dimensions: dict[tuple[tuple[str, str], ...], dict[str, int]] = {}
    with _counting:
        for (name, dimensions), value in _metrics.items():
            by_dimensions.setdefault(dimensions, {})[name] = value
        _metrics.clear()
    for dimensions, values in by_dimensions.items():
        names = [name for name, _ in dimensions]
        envelope = {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [names],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in values],
                }
            ],
        }
        sys.stdout.write(json.dumps({"_aws": envelope, **dict(dimensions), **values}) + "\n")


def aws_error_code(error: BaseException | None) -> str:
    """The AWS error code behind an error ("ThrottlingException"), or the class of a connection
    failure; "" when it was no AWS call's fault."""
    while error is not None:
        response = getattr(error, "response", None)
        if isinstance(response, dict) and "Error" in response:
            return str(response["Error"].get("Code", ""))
        if type(error).__module__.startswith("botocore"):
            return type(error).__name__
        error = error.__cause__
    return ""


P = ParamSpec("P")
R = TypeVar("R")


def job(handler: Callable[P, R]) -> Callable[P, R]:
    """A worker or scheduled job that logs its outcome (kept at INFO, ERROR with the AWS error code
    when it fails) and emits its metrics, whatever happens."""

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        context.clear()
        context["job"] = handler.__name__
        started = time.perf_counter()
        try:
            result = handler(*args, **kwargs)
        except Exception as error:
            spent = round((time.perf_counter() - started) * 1000, 1)
            log.error("job failed", extra={"duration_ms": spent, "aws_error": aws_error_code(error)}, exc_info=True)
            raise
        finally:
            flush()
        outcome = result if isinstance(result, dict) else {}
        log.info("job done", extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1), **outcome})
        return result

    return run

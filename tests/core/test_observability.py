"""What an operator sees: a JSON log line per request and per job, with the AWS error code of a
failure and no personal data, and business metrics as CloudWatch EMF lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import aws, observability
from tests.support.accounts import mailed_token, make_account
from tests.support.factories import registration_form
from tests.support.faults import fault
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
PERSON = {"name": "Elsje van Dijk", "email": "elsje.vandijk@nctv.nl"}


@pytest.fixture(autouse=True)
def only_this_tests_metrics() -> None:
    """Every request and job emits its metrics when it ends; a test that called a service directly
    (outside both) left its counts behind for the next request in this process to emit."""
    observability._metrics.clear()


@pytest.fixture
def lines() -> Iterator[list[dict]]:
    """The portal's log lines as the JSON objects CloudWatch would receive."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.JsonLines())
    logger = logging.getLogger("chalicelib")
    logger.addHandler(handler)
    seen: list[dict] = []
    yield seen
    logger.removeHandler(handler)


def read(lines: list[dict]) -> list[dict]:
    handler = next(
        h for h in logging.getLogger("chalicelib").handlers if isinstance(h.formatter, observability.JsonLines)
    )
    text = handler.stream.getvalue()  # type: ignore[attr-defined]
    lines[:] = [json.loads(line) for line in text.splitlines() if line]
    return lines


def metrics(printed: str) -> dict[str, int]:
    """The EMF lines printed: metric name (with its dimensions) -> value."""
    found: dict[str, int] = {}
    for line in printed.splitlines():
        if line.startswith('{"_aws"'):
            record = json.loads(line)
            [directive] = record["_aws"]["CloudWatchMetrics"]
            assert directive["Namespace"] == "NetworkPortal"
            dimensions = ",".join(f"{d}={record[d]}" for d in directive["Dimensions"][0])
            for metric in directive["Metrics"]:
                found[metric["Name"] + (f"[{dimensions}]" if dimensions else "")] = record[metric["Name"]]
    return found


def test_a_request_is_one_line_with_route_status_and_duration_and_no_personal_data(make_event, visitor, lines, capsys):
    make_event()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form(**PERSON))
    token = mailed_token(PERSON["email"])

    [request] = [line for line in read(lines) if line["message"] == "request"]
    assert request["route"] == "/events/{slug}/aanmelden"
    assert request["method"] == "POST"
    assert request["status"] == 200
    assert request["duration_ms"] >= 0
    assert "request_id" in request
    printed = capsys.readouterr().out
    everything = json.dumps(lines) + printed
    for secret in (PERSON["name"], PERSON["email"], token, "elsje"):
        assert secret not in everything
    assert metrics(printed) == {"Registrations[status=confirmed]": 1, "MailsSent": 1}


def test_a_throttled_request_logs_the_aws_error_code(make_event, visitor, lines):
    make_event()
    with fault(aws.dynamodb(), "TransactWriteItems", code="ProvisionedThroughputExceededException"):
        assert visitor.post(f"/events/{SLUG}/aanmelden", registration_form()).status_code == 503
    [request] = [line for line in read(lines) if line["message"] == "request"]
    assert (request["level"], request["status"]) == ("WARNING", 503)
    assert request["aws_error"] == "ProvisionedThroughputExceededException"


def test_a_mail_ses_refuses_logs_and_counts_its_code(make_event, visitor, lines, capsys):
    make_event()
    with fault(aws.ses(), "SendRawEmail", code="MessageRejected"):
        visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    [failure] = [line for line in read(lines) if line["message"] == "mail not sent"]
    assert (failure["level"], failure["aws_error"], failure["template"]) == (
        "WARNING",
        "MessageRejected",
        "confirmation",
    )
    assert metrics(capsys.readouterr().out)["MailsFailed[code=MessageRejected]"] == 1


# what EventBridge hands a scheduled function
SCHEDULED = {
    "version": "0",
    "id": "0",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-26T02:30:00Z",
    "region": "eu-west-1",
    "resources": [],
    "detail": {},
}


def test_a_scheduled_job_logs_its_outcome_at_a_kept_level(moto, lines):
    from chalicelib.views.jobs import anonymise_registrations

    assert anonymise_registrations(SCHEDULED, None) == {"anonymised": 0}
    [done] = [line for line in read(lines) if line["message"] == "job done"]
    assert (done["level"], done["job"], done["anonymised"]) == ("INFO", "anonymise_registrations", 0)
    assert logging.getLogger("chalicelib").getEffectiveLevel() == logging.INFO


def test_a_failing_job_logs_an_error_with_the_code_and_fails(moto, lines):
    from chalicelib.views.jobs import anonymise_registrations

    with (
        fault(aws.dynamodb(), "Query", code="InternalServerError", status=500),
        pytest.raises(ClientError, match="InternalServerError"),
    ):
        anonymise_registrations(SCHEDULED, None)
    [failed] = [line for line in read(lines) if line["message"] == "job failed"]
    assert (failed["level"], failed["job"], failed["aws_error"]) == (
        "ERROR",
        "anonymise_registrations",
        "InternalServerError",
    )


def test_sign_ins_are_counted(moto, client, capsys):
    from tests.support.accounts import sign_in

    make_account("lid@rotterdam.nl")
    capsys.readouterr()
    sign_in(FormSession(client), "lid@rotterdam.nl")
    assert metrics(capsys.readouterr().out).get("SignIns") == 1

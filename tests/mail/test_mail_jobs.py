"""Mail to many as a job on SQS: a request that costs the same at any size, a worker that mails
everyone once, at SES's pace, through throttling, failures and redelivery.

Runs on in-process moto (DynamoDB, SQS, SES); faults are injected with botocore event hooks.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import aws, clock, config
from chalicelib.mail import worker
from chalicelib.mail.model import JobKind, RecipientState
from chalicelib.mail.store import JobStore, Mark, job_store
from chalicelib.registrations.lifecycle import RegistrationStatus
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, STARTING_A_JOB_CALLS, deliver_mail, sent_mail
from tests.support.factories import confirmed_attendees
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
MESSAGE = {"subject": "Parkeren", "body": "Parkeer bij het station."}


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pacing in tests that count mails, not seconds (the pacer has tests of its own below)."""
    monkeypatch.setenv("MAIL_RATE_PER_SECOND", "1000000")


@pytest.fixture
def organiser(client, make_event, fast) -> FormSession:
    make_event(capacity=5000)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def redeliver_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed message comes back at the next receive (in AWS: after the visibility timeout, or the
    few seconds the worker asks for when recipients are left)."""
    aws.sqs().set_queue_attributes(QueueUrl=LOCAL_STAGE["MAIL_QUEUE_URL"], Attributes={"VisibilityTimeout": "0"})
    monkeypatch.setattr(worker, "COME_BACK_SECONDS", 0)


def job_mail() -> list[Any]:
    """The mails of the job (the organiser's sign-in link is in the outbox too)."""
    return [m for m in sent_mail() if m.subject == MESSAGE["subject"]]


def start_message(organiser: FormSession) -> str:
    response = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", MESSAGE)
    assert response.status_code == 303
    return response.headers["Location"].removeprefix("/beheer/verzendingen/")


def on_ses_send(hook: Any) -> None:
    aws.ses_for_worker().meta.events.register("before-call.ses.SendRawEmail", hook)


# -- the request ------------------------------------------------------------------


@pytest.mark.parametrize("attendees", [10, pytest.param(2000, marks=pytest.mark.slow)])
def test_starting_a_message_costs_the_same_at_any_size_and_the_worker_mails_everyone_once(
    organiser, aws_calls, attendees
):
    addresses = confirmed_attendees(attendees)
    aws_calls.reset()

    job_id = start_message(organiser)

    assert aws_calls.calls == STARTING_A_JOB_CALLS
    assert job_mail() == []

    deliver_mail()

    mailed = Counter(m.destinations["ToAddresses"][0] for m in job_mail())
    assert set(mailed) == set(addresses)
    assert set(mailed.values()) == {1}
    job = present(job_store().get(job_id))
    assert (job.status, job.total, job.sent, job.failed) == ("done", attendees, attendees, 0)


def test_the_message_keeps_its_paragraphs_and_lines_as_the_browser_sent_them(organiser):
    """Browsers send a textarea's line breaks as CRLF; the mail shows the paragraphs and the lines."""
    confirmed_attendees(1)
    body = "Beste collega's,\r\n\r\nParkeer bij het station.\r\nDe zaal is op de eerste verdieping.\r\n\r\nTot dan!"
    response = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", {**MESSAGE, "body": body})
    job_id = response.headers["Location"].removeprefix("/beheer/verzendingen/")
    deliver_mail()
    [mail] = job_mail()
    paragraphs = re.findall(r"<p>(.*?)</p>", mail.body, re.DOTALL)
    assert paragraphs[1:4] == [
        "Beste collega&#39;s,",
        "Parkeer bij het station.<br>De zaal is op de eerste verdieping.",
        "Tot dan!",
    ]
    assert paragraphs[0].startswith("Beste ")  # the portal's greeting, which the form tells the organiser about
    assert "\r" not in present(job_store().get(job_id)).body
    hint = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/bericht").body.decode()
    assert "begin uw bericht daarom zonder aanhef" in hint


def test_the_job_page_shows_progress_and_the_json_follows_it(organiser):
    confirmed_attendees(3)
    job_id = start_message(organiser)
    page = organiser.get(f"/beheer/verzendingen/{job_id}").body.decode()
    assert "In de wachtrij" in page
    assert 'data-progress="/beheer/verzendingen/' in page
    assert organiser.get(f"/beheer/verzendingen/{job_id}/voortgang").json_body["status"] == "queued"
    deliver_mail()
    progress = organiser.get(f"/beheer/verzendingen/{job_id}/voortgang")
    assert progress.json_body == {
        "status": "done",
        "total": 3,
        "sent": 3,
        "failed": 0,
        "skipped": 0,
        "resent": 0,
        "done": 3,
    }
    assert progress.headers["Cache-Control"] == "no-store"
    listing = organiser.get("/beheer/verzendingen").body.decode()
    assert f"/beheer/verzendingen/{job_id}" in listing
    assert "Bericht aan deelnemers" in listing


# -- faults in the worker -------------------------------------------------------------


def crash_after(sends: int) -> None:
    """SES takes `sends` mails, then the worker dies inside the next call (once)."""
    state = {"calls": 0}

    def hook(**_: Any) -> None:
        state["calls"] += 1
        if state["calls"] == sends + 1:
            raise RuntimeError("the worker dies in the middle")

    on_ses_send(hook)


def test_a_crash_in_the_middle_mails_the_rest_on_redelivery_and_nobody_twice(organiser, monkeypatch):
    addresses = confirmed_attendees(10)
    job_id = start_message(organiser)
    redeliver_at_once(monkeypatch)
    crash_after(4)

    deliver_mail()

    mailed = Counter(m.destinations["ToAddresses"][0] for m in job_mail())
    assert set(mailed) == set(addresses)
    assert set(mailed.values()) == {1}
    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.failed) == ("done", 10, 0)


def test_negative_control_without_the_mark_the_first_ones_get_two(organiser, monkeypatch):
    addresses = confirmed_attendees(10)
    start_message(organiser)
    redeliver_at_once(monkeypatch)
    crash_after(4)
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)  # one send at a time: exactly four before the crash
    monkeypatch.setattr(JobStore, "claim", lambda self, job_id, key, at: True)
    for step in ("mark_sent", "mark_failed", "release"):
        monkeypatch.setattr(JobStore, step, lambda self, *args, **kwargs: None)
    monkeypatch.setattr(JobStore, "marks", lambda self, job_id, keys: {k: Mark(RecipientState.SENT) for k in keys})

    deliver_mail()

    mailed = Counter(m.destinations["ToAddresses"][0] for m in job_mail())
    assert set(mailed) == set(addresses)
    assert sorted(mailed.values()).count(2) == 4  # the check above would have caught it


def ses_says(code: str, times: int = 1, only_to: str = "") -> None:
    state = {"left": times}

    def hook(params: dict[str, Any], **_: Any) -> None:
        if state["left"] and (not only_to or only_to in params["Destinations"]):
            state["left"] -= 1
            raise ClientError({"Error": {"Code": code, "Message": code}}, "SendRawEmail")

    aws.ses_for_worker().meta.events.register("before-parameter-build.ses.SendRawEmail", hook)


def test_throttling_is_retried_with_backoff_and_everyone_is_mailed(organiser, monkeypatch):
    addresses = confirmed_attendees(5)
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)  # the two throttled tries are the same recipient's
    waits: list[float] = []
    monkeypatch.setattr(worker.pacer(), "sleep", waits.append)
    job_id = start_message(organiser)
    ses_says("Throttling", times=2)

    deliver_mail()

    assert sorted(m.destinations["ToAddresses"][0] for m in job_mail()) == sorted(addresses)
    assert waits[:2] == [0.5, 1.0]  # backed off, then doubled
    assert present(job_store().get(job_id)).failed == 0


def test_a_permanent_failure_is_recorded_with_its_code_and_the_rest_go_out(organiser):
    addresses = confirmed_attendees(4)
    job_id = start_message(organiser)
    ses_says("MessageRejected", only_to=addresses[1])

    deliver_mail()

    assert sorted(m.destinations["ToAddresses"][0] for m in job_mail()) == sorted(addresses[:1] + addresses[2:])
    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.failed) == ("done", 3, 1)
    page = organiser.get(f"/beheer/verzendingen/{job_id}").body.decode()
    assert addresses[1] in page
    assert "MessageRejected" in page


def failing_first(deliver: Any, failures: list[str]) -> Any:
    def watched(to: str, raw: bytes, deadline: float, paced: worker.Pacer) -> None:
        try:
            deliver(to, raw, deadline, paced)
        except worker.SesUnavailable:
            failures.append("SesUnavailable")
            raise

    return watched


def test_ses_down_for_good_sends_the_message_back_and_loses_nobody(organiser, monkeypatch):
    addresses = confirmed_attendees(3)
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)  # every failing try is the first recipient's
    monkeypatch.setattr(worker.pacer(), "sleep", lambda seconds: None)
    failures: list[str] = []
    monkeypatch.setattr(worker, "_deliver", failing_first(worker._deliver, failures))
    job_id = start_message(organiser)
    redeliver_at_once(monkeypatch)
    ses_says("ServiceUnavailable", times=config.MAIL_ATTEMPTS)  # every try of the first mail

    deliver_mail()  # the batch fails once, goes back to the queue, and is delivered again

    assert failures == ["SesUnavailable"]
    assert present(job_store().get(job_id)).sent == 3
    assert sorted(m.destinations["ToAddresses"][0] for m in job_mail()) == sorted(addresses)


def test_a_poison_message_ends_in_the_dead_letter_queue(moto, monkeypatch):
    aws.sqs().send_message(QueueUrl=LOCAL_STAGE["MAIL_QUEUE_URL"], MessageBody="{not json")
    aws.sqs().send_message(
        QueueUrl=LOCAL_STAGE["MAIL_QUEUE_URL"], MessageBody='{"job": "bestaat-niet", "phase": "find"}'
    )
    redeliver_at_once(monkeypatch)

    deliver_mail()  # each is received five times, then SQS moves it on

    dead = aws.sqs().receive_message(QueueUrl=LOCAL_STAGE["MAIL_QUEUE_URL"] + "-dead", MaxNumberOfMessages=10)
    assert sorted(m["Body"] for m in dead["Messages"]) == sorted(
        ["{not json", '{"job": "bestaat-niet", "phase": "find"}']
    )


# -- the pace -------------------------------------------------------------------------


def busiest_second(rate: float, calls: int) -> tuple[int, float]:
    """Pace `calls` SES calls (1 ms each) on a fake clock; the most in any one-second window, and the time taken."""
    clock = {"now": 100.0}

    def sleep(seconds: float) -> None:
        clock["now"] += seconds

    pacer = worker.Pacer(rate, now=lambda: clock["now"], sleep=sleep)
    moments = []
    for _ in range(calls):
        pacer.wait()
        moments.append(clock["now"])
        clock["now"] += 0.001  # the SES call itself
    return max(sum(1 for m in moments if start <= m < start + 1) for start in moments), moments[-1] - moments[0]


def test_the_pacer_never_sends_more_than_the_rate_in_any_second():
    most, took = busiest_second(14, 100)
    assert most <= 14
    assert took >= 99 / 14


def test_negative_control_a_faster_pacer_is_caught():
    most, _took = busiest_second(20, 40)
    assert most > 14


def test_every_ses_call_of_the_worker_waits_for_the_pacer(organiser, monkeypatch):
    confirmed_attendees(6)
    waits = []
    monkeypatch.setattr(worker.Pacer, "wait", lambda self: waits.append(1))
    calls = []
    on_ses_send(lambda **_: calls.append(1))
    start_message(organiser)
    deliver_mail()
    assert len(waits) == len(calls) == 6


# -- the other kinds ------------------------------------------------------------------


def test_reminder_jobs_are_one_per_event_and_day(make_event, fast):
    from chalicelib.mail import jobs
    from chalicelib.mail.store import JobExists

    event = make_event()
    jobs.start(JobKind.REMINDER, "planning", "event.reminded", clock.now(), event=event, job_id="reminder-x-1")
    with pytest.raises(JobExists):
        jobs.start(JobKind.REMINDER, "planning", "event.reminded", clock.now(), event=event, job_id="reminder-x-1")


def test_a_job_with_nobody_to_mail_is_done_at_once(organiser):
    job_id = start_message(organiser)
    deliver_mail()
    job = present(job_store().get(job_id))
    assert (job.status, job.total) == ("done", 0)
    assert clock.now() - job.created_at < timedelta(minutes=1)
    # mypy types a StrEnum member and its text as literals that never meet; at run time they are equal
    assert RegistrationStatus.CONFIRMED == "confirmed"  # type: ignore[comparison-overlap]

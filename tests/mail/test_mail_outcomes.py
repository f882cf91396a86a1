"""Sends whose outcome is unknown: an answer lost after SES took the mail, a worker that dies between
the claim and the answer. The promise: nobody is lost, and a second copy goes out only after an
unknown outcome, once per such event, counted on the job and marked in the copy.

Runs on in-process moto; the lost answer is a real read timeout after moto carried the send out.
"""

from __future__ import annotations

import base64
import threading
import urllib.parse
from collections import Counter
from typing import Any

import pytest

from chalicelib.core import aws, clock, config
from chalicelib.core.tenancy import in_this_network
from chalicelib.mail import worker
from chalicelib.mail.store import JobStore, job_store
from chalicelib.views.jobs import send_mail
from devtools.invariants import address_key
from devtools.queueworker import poll_once
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, deliver_mail, sent_mail
from tests.support.factories import confirmed_attendees
from tests.support.faults import answer_lost, fault
from tests.support.jobs import message_attendees
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
MESSAGE = {"subject": "Zaalwijziging", "body": "We zitten in zaal 2."}
QUEUE = LOCAL_STAGE["MAIL_QUEUE_URL"]


@pytest.fixture
def organiser(client, make_event, monkeypatch) -> FormSession:
    monkeypatch.setenv("MAIL_RATE_PER_SECOND", "1000000")  # counts mails, not seconds
    monkeypatch.setattr(worker, "COME_BACK_SECONDS", 0)  # a batch with someone left comes back at once
    make_event(capacity=50)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def start_message(organiser: FormSession) -> str:
    return message_attendees(organiser, SLUG, MESSAGE)


def copies() -> Counter[str]:
    return Counter(m.destinations["ToAddresses"][0] for m in sent_mail() if m.subject == MESSAGE["subject"])


def doubled(mailed: Counter[str]) -> int:
    """Copies beyond the first, over everyone: what the soak calls doubled."""
    return sum(n - 1 for n in mailed.values())


def test_a_lost_answer_is_sent_once_more_when_the_message_comes_back_and_counted(organiser):
    addresses = confirmed_attendees(6)
    job_id = start_message(organiser)

    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=1) as lost:
        deliver_mail()

    assert lost.calls == 1
    mailed = copies()
    assert set(mailed) == set(addresses)  # nobody lost
    assert sorted(mailed.values()) == [1, 1, 1, 1, 1, 2]  # one copy more, for the one lost answer
    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.failed, job.resent) == ("done", 6, 0, 1)
    assert doubled(mailed) <= job.resent
    [twice] = [a for a, n in mailed.items() if n == 2]
    raws = [m.raw for m in sent_mail() if m.destinations["ToAddresses"][0] == twice]
    assert ["X-Portal-Resent: unknown-outcome" in raw for raw in raws] == [False, True]
    page = organiser.get(f"/beheer/verzendingen/{job_id}").body.decode()
    assert "1 opnieuw verstuurd na een onbekende uitkomst" in page


def test_negative_control_botocore_retrying_a_lost_answer_doubles_without_a_trace(organiser, monkeypatch):
    """The SES client as it was (botocore's three attempts) sends again inside the call: the second
    copy goes out, and nothing records it. The invariant above catches that."""
    monkeypatch.setattr(aws, "_SES_WORKER_CONFIG", aws._CLIENT_CONFIG)
    aws.ses_for_worker.cache_clear()  # made again with it (the fixtures forget it after the test)
    retrying = aws.ses_for_worker()
    confirmed_attendees(6)
    job_id = start_message(organiser)

    with answer_lost(retrying, "SendRawEmail", times=1):
        deliver_mail()

    job = present(job_store().get(job_id))
    assert doubled(copies()) == 1
    assert job.resent == 0  # so doubled <= resent fails


def test_a_worker_killed_between_the_claim_and_the_answer_costs_one_copy_more(organiser, monkeypatch):
    """A kill leaves the claim as it was (nothing runs after SIGKILL): here SES takes the third mail
    and the worker dies before it hears so, without giving the recipient back."""
    addresses = confirmed_attendees(5)
    job_id = start_message(organiser)
    # the killed delivery's message comes back at the next receive (in AWS: after its visibility timeout)
    aws.sqs().set_queue_attributes(QueueUrl=QUEUE, Attributes={"VisibilityTimeout": "0"})
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)  # the kill lands after exactly two sends
    state = {"calls": 0}

    def killed_after_ses_took_it(**_: Any) -> None:
        state["calls"] += 1
        if state["calls"] == 3:
            raise SystemExit("killed")

    aws.ses_for_worker().meta.events.register("after-call.ses.SendRawEmail", killed_after_ses_took_it)
    monkeypatch.setattr(JobStore, "release", lambda self, job_id, key, again: None)  # a dead process gives nothing back
    try:
        assert poll_once(aws.sqs(), QUEUE, send_mail) == 1  # find
        with pytest.raises(SystemExit):
            poll_once(aws.sqs(), QUEUE, send_mail)
    finally:
        aws.ses_for_worker().meta.events.unregister("after-call.ses.SendRawEmail", killed_after_ses_took_it)

    deliver_mail()

    mailed = copies()
    assert set(mailed) == set(addresses)
    assert sorted(mailed.values()) == [1, 1, 1, 1, 2]
    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.resent) == ("done", 5, 1)


def test_a_batch_out_of_time_leaves_the_rest_for_the_next_delivery(organiser, monkeypatch):
    addresses = confirmed_attendees(4)
    job_id = start_message(organiser)
    assert poll_once(aws.sqs(), QUEUE, send_mail) == 1  # find
    monkeypatch.setattr(config, "MAIL_WORKER_BUDGET_SECONDS", -1)  # spent before the first send

    assert poll_once(aws.sqs(), QUEUE, send_mail) == 1  # the batch: nobody tried, the message kept
    assert copies() == Counter()
    assert present(job_store().get(job_id)).sent == 0

    monkeypatch.setattr(config, "MAIL_WORKER_BUDGET_SECONDS", 40)
    deliver_mail()  # it came back at once (COME_BACK_SECONDS is 0 here)

    assert copies() == Counter({a: 1 for a in addresses})
    assert present(job_store().get(job_id)).sent == 4


def test_threads_share_the_pacer_and_never_take_the_same_moment():
    """Each thread takes the next free moment under the pacer's lock; with a clock that stands still,
    the moments taken are exactly one interval apart, however the threads interleave."""
    slept: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    pacer = worker.Pacer(10, now=lambda: 100.0, sleep=sleep)

    def take_25() -> None:
        for _ in range(25):
            pacer.wait()

    threads = [threading.Thread(target=in_this_network(take_25)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waits = sorted(slept)
    assert len(waits) == 99  # the first moment is now: no sleep
    assert all(abs(b - a - pacer.interval) < 1e-9 for a, b in zip([0.0, *waits], waits, strict=False))


def test_the_job_page_and_its_json_count_the_copies_sent_again(organiser):
    confirmed_attendees(2)
    job_id = start_message(organiser)
    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=1):
        deliver_mail()
    progress = organiser.get(f"/beheer/verzendingen/{job_id}/voortgang").json_body
    assert (progress["sent"], progress["resent"]) == (2, 1)
    listing = organiser.get("/beheer/verzendingen").body.decode()
    assert "1 opnieuw verstuurd na een onbekende uitkomst" in listing


def test_a_second_copy_given_back_after_an_outage_keeps_its_count(organiser, monkeypatch):
    """The lost answer's recipient is claimed again, then SES is down for that try: the claim stays,
    with its count, so the copy that finally goes out is counted and marked."""
    addresses = confirmed_attendees(1)
    job_id = start_message(organiser)
    monkeypatch.setattr(worker.pacer(), "sleep", lambda seconds: None)
    aws.sqs().set_queue_attributes(QueueUrl=QUEUE, Attributes={"VisibilityTimeout": "0"})
    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=1):
        assert poll_once(aws.sqs(), QUEUE, send_mail) == 1  # find
        poll_once(aws.sqs(), QUEUE, send_mail)  # the send: its answer lost
    with fault(aws.ses_for_worker(), "SendRawEmail", code="Throttling", times=config.MAIL_ATTEMPTS):
        poll_once(aws.sqs(), QUEUE, send_mail)  # claimed again; SES refuses every try: given back

    deliver_mail()

    assert copies() == Counter({addresses[0]: 2})
    assert present(job_store().get(job_id)).resent == 1


def test_a_recipient_suppressed_after_an_unknown_outcome_lets_the_job_finish(organiser):
    """Their copy bounced, say: the claim left by the lost answer is settled as skipped."""
    addresses = confirmed_attendees(2)
    job_id = start_message(organiser)
    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=1):
        assert poll_once(aws.sqs(), QUEUE, send_mail) == 1  # find
        poll_once(aws.sqs(), QUEUE, send_mail)  # the first send's answer lost: the batch comes back
    marks = job_store().marks(job_id, [address_key(a) for a in addresses])
    [unknown] = [a for a in addresses if address_key(a) in marks and marks[address_key(a)].state == "claimed"]
    suppress(unknown)

    deliver_mail()

    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.skipped) == ("done", 1, 1)


def test_a_batch_that_makes_progress_goes_on_past_the_queues_five_receives(organiser, monkeypatch):
    """The first copies of six recipients lose their answers: one batch needs seven deliveries, and
    each from the second on settles someone (the copy sent again), so the batch goes on as a fresh
    message instead of into the dead-letter queue."""
    addresses = confirmed_attendees(8)
    job_id = start_message(organiser)
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)
    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=6, wanted=first_copy):
        deliver_mail()
    job = present(job_store().get(job_id))
    assert (job.status, job.sent, job.resent) == ("done", 8, 6)
    assert set(copies()) == set(addresses)
    assert dead_letters() == 0


def test_negative_control_without_going_on_the_batch_ends_in_the_dead_letter_queue(organiser, monkeypatch):
    confirmed_attendees(8)
    job_id = start_message(organiser)
    monkeypatch.setattr(config, "MAIL_SENDERS", 1)
    aws.sqs().set_queue_attributes(QueueUrl=QUEUE, Attributes={"VisibilityTimeout": "0"})
    counted = worker._count
    monkeypatch.setattr(
        worker, "_count", lambda job, batch, recipients, progress: counted(job, batch, recipients, False)
    )
    with answer_lost(aws.ses_for_worker(), "SendRawEmail", times=6, wanted=first_copy):
        deliver_mail()
    assert present(job_store().get(job_id)).status != "done"
    assert dead_letters() == 1


def test_a_gateway_5xx_from_ses_is_an_unknown_outcome_not_a_failure(organiser):
    addresses = confirmed_attendees(1)
    job_id = start_message(organiser)
    with fault(aws.ses_for_worker(), "SendRawEmail", code="502", status=502, times=1):
        deliver_mail()
    job = present(job_store().get(job_id))
    assert (job.sent, job.failed, job.resent) == (1, 0, 1)
    assert copies() == Counter({addresses[0]: 1})  # the injected 502 took nothing: one copy after all


def suppress(address: str) -> None:
    from chalicelib.mail import suppression

    suppression.record(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bouncedRecipients": [{"emailAddress": address, "diagnosticCode": "550 5.1.1 unknown"}],
                "timestamp": "2026-11-25T10:00:00.000Z",
            },
        },
        clock.now(),
    )


def dead_letters() -> int:
    dead = aws.sqs().get_queue_attributes(QueueUrl=QUEUE + "-dead", AttributeNames=["ApproximateNumberOfMessages"])
    return int(dead["Attributes"]["ApproximateNumberOfMessages"])


def first_copy(request: Any) -> bool:
    """A send that is not a copy sent again (SES's query body carries the MIME text in base64)."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    [data] = urllib.parse.parse_qs(body)["RawMessage.Data"]
    return b"X-Portal-Resent" not in base64.b64decode(data)

"""The mail worker: takes jobs off the queue, finds their recipients and sends, at SES's pace.

A queue message is either `find` (list a job's recipients, then queue them in
batches) or `send` (mail one batch). Each recipient is claimed before the SES
call and marked sent or failed after it, so a message that is delivered again
(a crash, a timeout, SQS's at-least-once delivery) mails nobody twice, and a
failure in the middle loses nobody: what was not sent is sent on redelivery.
An address on the suppression list (a hard bounce or a complaint) is skipped and counted.

Throttling and SES's passing faults are retried here with backoff; after that
the recipient is given back and the message fails, so SQS delivers it again and,
after five tries, moves it to the dead-letter queue. Any other SES error is
that recipient's for good: it is recorded with its code and the job goes on.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import clock, config, observability, queue
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind
from chalicelib.mail.model import JobKind, MailJob, Recipient, RecipientState
from chalicelib.mail.store import job_store
from chalicelib.mail.suppression_store import suppression_store

log = logging.getLogger(__name__)

# worth another try a moment later; anything else is the recipient's own failure
PASSING = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailable",
    "InternalFailure",
    "RequestTimeout",
    # the account or sender needs an operator, not a different recipient: keep the job, alarm on the DLQ
    "AccountSendingPausedException",
    "MailFromDomainNotVerifiedException",
}


# the reason recorded for a recipient whose delivery died between the claim and SES's answer
UNKNOWN = "UnknownAfterCrash"


class UnknownJob(Exception):
    """The message names no job (or an unknown step): it goes back to the queue and on to the DLQ."""


class SesUnavailable(Exception):
    """SES kept failing with a passing error; the message is delivered again later."""


class Pacer:
    """Spaces SES calls at most `rate` a second. The worker runs one at a time (reserved
    concurrency 1), and its pacer outlives an invocation, so the rate holds across messages."""

    def __init__(
        self, rate: float, now: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ):
        self.rate = rate
        # 1% slower than the rate, so that rounding and clock jitter never put one call too many in a second
        self.interval = 1.01 / rate
        self.now, self.sleep = now, sleep
        self.next_at = 0.0

    def wait(self) -> None:
        moment = self.now()
        if moment < self.next_at:
            self.sleep(self.next_at - moment)
            moment = self.next_at
        self.next_at = moment + self.interval


_pacer: Pacer | None = None


def pacer() -> Pacer:
    global _pacer
    if _pacer is None or _pacer.rate != config.mail_rate_per_second():
        _pacer = Pacer(config.mail_rate_per_second())
    return _pacer


def handle(body: str, kinds: Mapping[JobKind, Kind]) -> None:
    """One queue message, of a job of one of `kinds`; raises when it should be delivered again."""
    try:
        message = json.loads(body)
        job = job_store().get(str(message["job"]))
        phase = message["phase"]
    except (ValueError, KeyError, TypeError) as error:
        raise UnknownJob("unreadable message") from error
    if job is None or phase not in ("find", "send"):
        raise UnknownJob("no such job or step")
    if phase == "find":
        find(job, kinds[job.kind])
    else:
        send(job, kinds[job.kind], int(message["batch"]), [Recipient(**r) for r in message["to"]])


def find(job: MailJob, kind: Kind) -> None:
    recipients = kind.find(job)
    job_store().start_sending(job.id, len(recipients))
    batches = [recipients[i : i + config.MAIL_BATCH] for i in range(0, len(recipients), config.MAIL_BATCH)]
    queue.put_many(
        config.mail_queue_url(),
        [
            {"job": job.id, "phase": "send", "batch": number, "to": [r.to_message() for r in batch]}
            for number, batch in enumerate(batches)
        ],
    )
    job_store().finish(job.id)  # a job without recipients is done at once
    log.info("mail job found its recipients", extra={"job": job.id, "kind": job.kind, "total": len(recipients)})


def send(job: MailJob, kind: Kind, batch: int, recipients: list[Recipient]) -> None:
    store = job_store()
    shared = kind.load(job)
    suppressed = suppression_store().among([to.key for to in recipients])
    for to in recipients:
        if to.key in suppressed:
            store.skip(job.id, to.key, clock.now())
            continue
        if not store.claim(job.id, to.key, clock.now()):
            continue  # sent, failed or being sent by an earlier delivery of this message
        try:
            raw = kind.compose(job, to, shared)
            if raw is None:  # a digest with nothing left for them
                store.mark_skipped(job.id, to.key, clock.now())
                continue
            _deliver(to.email, raw)
        except ClientError as error:  # not a passing one: this recipient's own
            code = error.response["Error"].get("Code", "Unknown")
            store.mark_failed(job.id, to.key, to.email, code, clock.now())
            observability.count("MailsFailed", code=code)
            continue
        except BaseException:
            store.release(job.id, to.key)
            raise
        store.mark_sent(job.id, to.key, clock.now())
        kind.after_sent(job, to)
    _count(job, batch, recipients)


def _count(job: MailJob, batch: int, recipients: list[Recipient]) -> None:
    """Add the batch's figures to the job, from the marks. A recipient still claimed here was claimed
    by a delivery that died between the claim and SES's answer: whether it was mailed is unknown,
    and it is counted as failed with that reason rather than mailed a second time."""
    store = job_store()
    states = store.states(job.id, [to.key for to in recipients])
    for to in recipients:
        if states.get(to.key) == RecipientState.CLAIMED:
            store.mark_failed(job.id, to.key, to.email, UNKNOWN, clock.now())
            states[to.key] = RecipientState.FAILED
    counts = Counter(states.values())
    store.count_batch(job.id, batch, counts)
    store.finish(job.id)
    log.info("mail batch done", extra={"job": job.id, "batch": batch, **{str(s): n for s, n in counts.items()}})


def _deliver(to: str, raw: bytes) -> None:
    """Send at the pace SES allows, retrying passing errors with backoff; SesUnavailable when they do not pass."""
    for attempt in range(config.MAIL_ATTEMPTS):
        pacer().wait()
        try:
            mail.deliver(to, raw)
            return
        except ClientError as error:
            code = error.response["Error"].get("Code", "")
            if code not in PASSING:
                raise
            log.warning("SES said %s; trying again", code)
        except BotoCoreError as error:
            log.warning("SES unreachable (%s); trying again", type(error).__name__)
        pacer().sleep(min(0.5 * 2**attempt, 8.0))
    raise SesUnavailable()

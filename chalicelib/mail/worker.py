"""The mail worker: takes jobs off the queue, finds their recipients and sends, at SES's pace.

A queue message is either `find` (list a job's recipients, then queue them in
batches) or `send` (mail one batch). Each recipient is claimed before the SES
call and marked sent or failed after it, so a message that is delivered again
(a crash, a timeout, SQS's at-least-once delivery) never mails a settled
recipient again, and a failure in the middle loses nobody: what was not sent is
sent on redelivery. An address on the suppression list (a hard bounce or a
complaint) is skipped and counted. A batch is sent by a few threads at once, all
kept to SES's rate by one pacer.

This loop is the only place that retries a send (SES's client makes one attempt):
an error that proves nothing was sent (throttling, SES's own failure answer, no
connection) is tried again with backoff; after that the recipient is given back and
the message comes back later and, after five tries, moves to the dead-letter queue.
A send whose outcome is unknown (the answer timed out or the connection broke after
the request left) is not retried at once: its recipient stays claimed, and when the
message comes back they are sent exactly one more copy, counted on the job as "sent
again after an unknown outcome". So nobody is lost, and a second copy goes out only
after an unknown outcome, at most one per such event. Any other SES error is that
recipient's for good: it is recorded with its code and the job goes on.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from enum import Enum

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError

from chalicelib.core import aws, clock, config, observability, queue, tenancy
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind
from chalicelib.mail.model import JobKind, MailJob, Recipient, RecipientState
from chalicelib.mail.store import Claim, job_store
from chalicelib.mail.suppression_store import suppression_store

log = logging.getLogger(__name__)

# SES's answers that prove the mail was not taken and are worth another try a moment later; any
# other error answer is the recipient's own failure
PASSING = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailable",
    "InternalFailure",
    "RequestTimeout",  # SES gave up reading our request
    # the account or sender needs an operator, not a different recipient: keep the job, alarm on the DLQ
    "AccountSendingPausedException",
    "ConfigurationSetSendingPausedException",
    "ConfigurationSetDoesNotExist",
    "MailFromDomainNotVerifiedException",
}

# marks a copy sent again after an unknown outcome (shown in the local outbox; harmless to mail clients)
RESENT_HEADER = b"X-Portal-Resent: unknown-outcome\r\n"
# seconds before a message with recipients left over comes back (the queue's own timeout is minutes)
COME_BACK_SECONDS = 5


class UnknownJob(Exception):
    """The message names no job (or an unknown step): it goes back to the queue and on to the DLQ."""


class SesUnavailable(Exception):
    """SES kept failing with a passing error; the message is delivered again later."""


class OutcomeUnknown(Exception):
    """The send may or may not have reached SES: the request left, the answer did not come."""


class SesRefused(Exception):
    """SES refused this recipient's mail for good (its error code says why)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class OutOfTime(Exception):
    """The delivery's time budget ran out before this send was tried."""


class BatchUnfinished(Exception):
    """Recipients of the batch are left for the message's next delivery: a send's outcome was unknown,
    or the time budget ran out before every recipient was tried. `progress`: this delivery settled
    someone, so the message goes on as a new one instead of using up its receives."""

    def __init__(self, message: str, progress: bool) -> None:
        super().__init__(message)
        self.progress = progress


class Pacer:
    """Spaces SES calls at most `rate` a second, from any number of threads. The worker runs one at a
    time (reserved concurrency 1), and its pacer outlives an invocation, so the rate holds across messages."""

    def __init__(
        self, rate: float, now: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ):
        self.rate = rate
        # 1% slower than the rate, so that rounding and clock jitter never put one call too many in a second
        self.interval = 1.01 / rate
        self.now, self.sleep = now, sleep
        self.next_at = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Take the next free moment, then sleep until it (outside the lock: other threads take theirs)."""
        with self._lock:
            moment = self.now()
            slot = max(moment, self.next_at)
            self.next_at = slot + self.interval
        if slot > moment:
            self.sleep(slot - moment)


_pacer: Pacer | None = None


def pacer() -> Pacer:
    global _pacer
    if _pacer is None or _pacer.rate != config.mail_rate_per_second():
        _pacer = Pacer(config.mail_rate_per_second())
    return _pacer


def handle(body: str, kinds: Mapping[JobKind, Kind], receipt: str = "") -> None:
    """One queue message, of a job of one of `kinds`; raises when it should be delivered again. With
    the message's `receipt`, a batch with recipients left over comes back in seconds, not minutes."""
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
        return
    try:
        send(job, kinds[job.kind], int(message["batch"]), [Recipient(**r) for r in message["to"]])
    except BatchUnfinished as unfinished:
        if unfinished.progress:
            # the same batch as a fresh message: SQS's receive count (five, then the dead-letter
            # queue) is for messages that make no progress, not for a batch that needs several tries
            queue.put(config.mail_queue_url(), message, delay=COME_BACK_SECONDS)
            return
        _come_back_soon(receipt)
        raise
    except SesUnavailable:
        _come_back_soon(receipt)
        raise


def _come_back_soon(receipt: str) -> None:
    if receipt:
        queue.come_back_in(config.mail_queue_url(), receipt, COME_BACK_SECONDS)


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


class Sent(Enum):
    """How one recipient's turn in a delivery ended."""

    SETTLED = "settled"  # sent, failed for good or skipped: done
    UNKNOWN = "unknown"  # the send's outcome is unknown: they stay claimed for one more copy
    LEFT = "left"  # not tried (out of time, or settled before): the message's next delivery decides


def send(job: MailJob, kind: Kind, batch: int, recipients: list[Recipient]) -> None:
    """Mail one batch from MAIL_SENDERS threads; BatchUnfinished when recipients are left for later,
    SesUnavailable when SES kept refusing (what was sent stays sent)."""
    shared = kind.load(job)
    recipients = list({to.key: to for to in recipients}.values())  # one thread per person
    suppressed = _skip_suppressed(job, recipients)
    deadline = time.monotonic() + config.MAIL_WORKER_BUDGET_SECONDS
    # An outage, a crash or an unknown outcome in one thread: the others start nobody new, so that a
    # slow SES costs at most MAIL_SENDERS unknown outcomes a delivery, as a crash does.
    stop = threading.Event()
    paced = pacer()  # made before the threads, so that they share it

    def one(to: Recipient) -> Sent:
        if stop.is_set() or time.monotonic() > deadline:
            return Sent.LEFT  # left unclaimed for the message's next delivery
        try:
            ended = _send_one(job, kind, shared, to, deadline, paced)
        except BaseException:
            stop.set()
            raise
        if ended is Sent.UNKNOWN:
            stop.set()
        return ended

    with ThreadPoolExecutor(config.MAIL_SENDERS, thread_name_prefix="mail") as pool:
        in_network = tenancy.in_this_network(one)  # a pool's threads start in no network
        futures = [pool.submit(in_network, to) for to in recipients if to.key not in suppressed]
    for future in futures:
        if error := future.exception():
            raise error
    settled = sum(future.result() is Sent.SETTLED for future in futures)
    _count(job, batch, recipients, progress=settled > 0)


def _skip_suppressed(job: MailJob, recipients: list[Recipient]) -> set[str]:
    """Settle the recipients on the suppression list as skipped; their keys."""
    suppressed = suppression_store().among([to.key for to in recipients])
    for to in recipients:
        if to.key in suppressed:
            job_store().skip(job.id, to.key, clock.now())
    return suppressed


def _send_one(job: MailJob, kind: Kind, shared: object, to: Recipient, deadline: float, paced: Pacer) -> Sent:
    claim = job_store().claim(job.id, to.key, clock.now())
    if not claim:
        return Sent.LEFT  # sent, failed or skipped by an earlier delivery of this message
    again = claim is Claim.AGAIN
    try:
        return _compose_and_deliver(job, kind, shared, to, again, deadline, paced)
    except BaseException:
        job_store().release(job.id, to.key, again=again)
        raise


def _compose_and_deliver(
    job: MailJob, kind: Kind, shared: object, to: Recipient, again: bool, deadline: float, paced: Pacer
) -> Sent:
    store = job_store()
    raw = kind.compose(job, to, shared)
    if raw is None:  # a digest with nothing left for them
        store.mark_skipped(job.id, to.key, clock.now())
        return Sent.SETTLED
    if again:
        raw = RESENT_HEADER + raw  # a header line may stand first: the copy says what it is
    try:
        _deliver(to.email, raw, deadline, paced)
    except OutcomeUnknown:
        observability.count("MailOutcomesUnknown")
        return Sent.UNKNOWN  # stays claimed: the message's next delivery sends one more copy
    except SesRefused as refused:  # this recipient's own
        store.mark_failed(job.id, to.key, to.email, refused.code, clock.now())
        observability.count("MailsFailed", code=refused.code)
        return Sent.SETTLED
    except OutOfTime:
        store.release(job.id, to.key, again=again)
        return Sent.LEFT
    if again:
        observability.count("MailsResent")
    store.mark_sent(job.id, to.key, clock.now())
    kind.after_sent(job, to)
    return Sent.SETTLED


def _count(job: MailJob, batch: int, recipients: list[Recipient], progress: bool) -> None:
    """Add the batch's figures to the job once every recipient is settled; BatchUnfinished while
    anyone is unclaimed (not reached in time) or still claimed (their send's outcome is unknown),
    saying whether this delivery settled anyone."""
    store = job_store()
    marks = store.marks(job.id, [to.key for to in recipients])
    left = sum(1 for to in recipients if to.key not in marks or marks[to.key].state == RecipientState.CLAIMED)
    if left:
        log.info("mail batch unfinished", extra={"job": job.id, "batch": batch, "left": left})
        raise BatchUnfinished(f"{left} recipients left", progress=progress)
    counts = Counter(mark.state for mark in marks.values())
    resent = sum(mark.unknown for mark in marks.values())
    store.count_batch(job.id, batch, counts, resent)
    store.finish(job.id)
    log.info(
        "mail batch done",
        extra={"job": job.id, "batch": batch, "resent": resent, **{str(s): n for s, n in counts.items()}},
    )


def _deliver(to: str, raw: bytes, deadline: float, paced: Pacer) -> None:
    """Send at the pace SES allows, retrying what proves nothing was sent, with backoff, and starting no
    try after the deadline. SesRefused when SES refused the mail for good; SesUnavailable when the
    passing errors do not pass; OutcomeUnknown when the request may have reached SES; OutOfTime when
    the budget ran out before the first try."""
    for attempt in range(config.MAIL_ATTEMPTS):
        paced.wait()
        if time.monotonic() > deadline:
            if attempt == 0:
                raise OutOfTime()
            break
        try:
            mail.deliver(to, raw, aws.ses_for_worker())
            return
        except (ClientError, BotoCoreError) as error:
            _raise_unless_nothing_was_sent(error)
        backoff = min(0.5 * 2**attempt, 8.0)
        if time.monotonic() + backoff > deadline:
            break
        paced.sleep(backoff)
    raise SesUnavailable()


def _raise_unless_nothing_was_sent(error: ClientError | BotoCoreError) -> None:
    """Return when the error proves that SES took nothing (worth another try); otherwise raise what it
    means for the recipient."""
    if isinstance(error, ClientError):
        code = error.response["Error"].get("Code", "")
        if code in PASSING:
            log.warning("SES said %s; trying again", code)
            return
        if int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)) >= 500:
            raise OutcomeUnknown() from error  # a gateway's 502 or 504, not SES's own answer: sent or not
        raise SesRefused(code or "Unknown") from error
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError)):  # no connection: nothing left us
        log.warning("SES unreachable (%s); trying again", type(error).__name__)
        return
    log.warning("SES's answer did not come (%s); outcome unknown", type(error).__name__)
    raise OutcomeUnknown() from error  # a read timeout, a connection closed mid-answer

"""Mail to many people as a job: a request records it and puts it on the queue, the worker sends.

A request that starts a job makes the same AWS calls whatever the number of
recipients: one transaction (the job and its audit entry) and one SQS message.
Organisers follow it at /beheer/verzendingen.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config, queue
from chalicelib.core.errors import NotFound, PortalError
from chalicelib.core.i18n import _
from chalicelib.mail.model import Failure, JobKind, JobStatus, MailJob
from chalicelib.mail.store import job_store


class Meeting(Protocol):
    """What a job about a meeting keeps of it (an event of events/ is one)."""

    slug: str
    title: str


class QueueUnavailable(PortalError):
    status = 503
    message = _(
        "De verzending is vastgelegd, maar kon nog niet worden gestart. Start haar over een minuut opnieuw vanaf de pagina Verzendingen."
    )


def start(
    kind: JobKind,
    actor: str,
    action: str,
    now: datetime,
    *,
    event: Meeting | None = None,
    subject: str = "",
    body: str = "",
    job_id: str | None = None,
    day: date | None = None,
    topics: tuple[str, ...] = (),
) -> MailJob:
    """Record the job with its audit entry, then queue it. JobExists if `job_id` was used before."""
    job = MailJob(
        id=job_id or secrets.token_hex(8),
        kind=kind,
        created_by=actor,
        created_at=now,
        subject=subject,
        body=body,
        event_slug=event.slug if event else "",
        event_title=event.title if event else "",
        day=day,
        topics=topics,
    )
    target = event.slug if event else kind
    entry = AuditChange(actor, action, target, {}, {"job": job.id, "kind": kind, "subject": subject}, now.isoformat())
    job_store().create(job, entry)
    _queue(job)
    return job


def _queue(job: MailJob) -> None:
    try:
        queue.put(config.mail_queue_url(), {"job": job.id, "phase": "find"})
    except (ClientError, BotoCoreError) as error:
        raise QueueUnavailable() from error


def restart(job_id: str) -> MailJob:
    """Queue a job again that is not done (its queue message was lost or went to the dead-letter queue).

    Safe at any time: recipients already sent to are skipped by their marks.
    """
    job = get(job_id)
    if job.status != JobStatus.DONE:
        _queue(job)
    return job


# a job not done after this long may have lost its queue message: its page offers to start it again
STALLED_AFTER = timedelta(minutes=2)


def may_be_stalled(job: MailJob) -> bool:
    return job.status != JobStatus.DONE and clock.now() - job.created_at > STALLED_AFTER


def get(job_id: str) -> MailJob:
    job = job_store().get(job_id) if 0 < len(job_id) <= 120 else None
    if job is None:
        raise NotFound()
    return job


def recent() -> list[MailJob]:
    return job_store().recent(config.JOBS_SHOWN)


def failures(job_id: str) -> list[Failure]:
    return job_store().failures(job_id)

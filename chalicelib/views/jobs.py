"""Functions that are not web requests: the scheduled jobs (EventBridge rules), the mail, sign-in and export
workers, text extraction and the search index (SQS), the check of uploads S3 reports (SQS), and SES's
bounce and complaint notifications (SNS).

Each runs inside a network (core/tenancy.py): a queue message inside the one it names, an upload inside
the one its key names, a notification inside the one its mail was sent for, and a scheduled job once
inside every network."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable

from chalice.app import Blueprint, Cron, SNSEvent, SQSEvent

from chalicelib.accounts import newsletter, notices, signin
from chalicelib.core import clock, observability, tenancy
from chalicelib.evaluations import messages as evaluation_messages
from chalicelib.evaluations import service as evaluations
from chalicelib.events import invitations
from chalicelib.exports import service as exports
from chalicelib.following import digest
from chalicelib.library import arrivals, extraction, search
from chalicelib.mail import suppression, worker
from chalicelib.mail.kinds import Kind
from chalicelib.mail.model import JobKind
from chalicelib.networks import service as networks
from chalicelib.registrations import messages as registration_messages
from chalicelib.registrations import reminders, retention

bp = Blueprint(__name__)
# The stack points the worker at its own queue (infra/resources.json overrides this name with the queue's ARN).
MAIL_QUEUE = "network-portal-mail"
EXPORT_QUEUE = "network-portal-exports"
SIGNIN_QUEUE = "network-portal-signin"
INDEX_QUEUE = "network-portal-index.fifo"
EXTRACT_QUEUE = "network-portal-extract"
UPLOAD_QUEUE = "network-portal-uploads"
# and the notifications function at the topic SES publishes to (overridden with the topic's ARN)
SES_EVENTS_TOPIC = "network-portal-ses-events"

log = logging.getLogger(__name__)

# every kind of mail job, from the capability whose news it tells: the mail worker knows none of them
MAIL_KINDS: dict[JobKind, Kind] = {
    **registration_messages.KINDS,
    **evaluation_messages.KINDS,
    **newsletter.KINDS,
    **digest.KINDS,
    **notices.KINDS,
    **invitations.KINDS,
}


def in_every_network(job: Callable[[], int]) -> int:
    """A scheduled job, run inside each network in turn; the sum of what each did."""
    done = 0
    for network in networks.all_networks():
        with tenancy.within(network):
            done += job()
    return done


@bp.schedule(Cron(0, 7, "*", "*", "?", "*"), name="send_reminders", description="Remind confirmed attendees")
@observability.job
def send_reminders(_event: object) -> dict[str, int]:
    return {"jobs": in_every_network(reminders.send_reminders)}


@bp.schedule(Cron(0, 8, "*", "*", "?", "*"), name="send_evaluations", description="Evaluate yesterday's meetings")
@observability.job
def send_evaluations(_event: object) -> dict[str, int]:
    return {"opened": in_every_network(evaluations.send_evaluations)}


@bp.schedule(Cron(0, 6, "*", "*", "?", "*"), name="send_digests", description="Yesterday's news in followed themes")
@observability.job
def send_digests(_event: object) -> dict[str, int]:
    return {"started": in_every_network(digest.send_digest)}


@bp.schedule(Cron(30, 2, "*", "*", "?", "*"), name="anonymise_registrations", description="Privacy retention")
@observability.job
def anonymise_registrations(_event: object) -> dict[str, int]:
    return {"anonymised": in_every_network(retention.anonymise_old_registrations)}


@bp.on_sqs_message(queue=MAIL_QUEUE, batch_size=1, name="send_mail")
@observability.job
def send_mail(event: SQSEvent) -> None:
    """One queue message at a time; an exception hands it back to SQS (and, after five tries, to the DLQ)."""
    for record in event:
        with tenancy.within(networks.of_message(record.body)):
            worker.handle(record.body, MAIL_KINDS, record.receipt_handle)


@bp.on_sqs_message(queue=SIGNIN_QUEUE, batch_size=1, name="send_sign_in_link")
@observability.job
def send_sign_in_link(event: SQSEvent) -> None:
    """A sign-in link, off the web request (so its answer takes as long for any address); an
    exception hands the message back to SQS (and, after five tries, to the DLQ)."""
    for record in event:
        with tenancy.within(networks.of_message(record.body)):
            signin.send_link(record.body)


@bp.on_sqs_message(queue=EXPORT_QUEUE, batch_size=1, name="make_export")
@observability.job
def make_export(event: SQSEvent) -> None:
    """One export at a time; an exception hands it back to SQS (and, after five tries, to the DLQ)."""
    for record in event:
        with tenancy.within(networks.of_message(record.body)):
            exports.build(record.body)


@bp.schedule(Cron(0, 3, "*", "*", "?", "*"), name="rebuild_search_index", description="Rebuild the library's index")
@observability.job
def rebuild_search_index(_event: object) -> dict[str, int]:
    """A daily rebuild: catches up a change whose update could not be queued, and programme edits
    (the speakers of a slot) that change no material."""

    def rebuild() -> int:
        search.request_rebuild()
        return 1

    return {"queued": in_every_network(rebuild)}


@bp.on_sqs_message(queue=INDEX_QUEUE, batch_size=search.INDEX_BATCH, name="update_search_index")
@observability.job
def update_search_index(event: SQSEvent) -> None:
    """The library's search index, one batch of changes at a time (a FIFO queue with one message
    group per network); an exception hands the whole batch back (each update is idempotent)."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for record in event:
        bodies[networks.of_message(record.body).name].append(record.body)
    for name, of_network in bodies.items():
        with tenancy.within(networks.named(name)):
            search.update(*of_network)


@bp.on_sqs_message(queue=EXTRACT_QUEUE, batch_size=1, name="extract_text")
@observability.job
def extract_text(event: SQSEvent) -> None:
    """The text of one material's file for search, read within its budget, then handed to the index
    worker (a standard queue: several at once); an exception hands the message back to SQS (and,
    after three tries, to the DLQ)."""
    for record in event:
        with tenancy.within(networks.of_message(record.body)):
            extraction.handle(record.body)


@bp.on_sqs_message(queue=UPLOAD_QUEUE, batch_size=1, name="check_upload")
@observability.job
def check_upload(event: SQSEvent) -> dict[str, int]:
    """An upload S3 reports under incoming/, checked whether or not the speaker comes back to report it
    done; an exception (S3 failing in passing) hands it back to SQS (and, after five tries, to the DLQ)."""
    outcome = {"arrived": 0, "kept": 0}
    for record in event:
        for name, count in arrivals.check(record.body).items():
            outcome[name] += count
    return outcome


@bp.on_sns_message(topic=SES_EVENTS_TOPIC, name="ses_notifications")
@observability.job
def ses_notifications(event: SNSEvent) -> None:
    """A bounce or complaint puts the address on the suppression list. A message that is not SES's
    JSON is logged and dropped: SNS would only deliver the same unreadable text again."""
    try:
        notification = json.loads(event.message)
    except ValueError:
        log.warning("SNS message is not JSON; dropped")
        return
    if isinstance(notification, dict):
        for network in networks.of_notification(notification):
            with tenancy.within(network):
                suppression.record(notification, clock.now())

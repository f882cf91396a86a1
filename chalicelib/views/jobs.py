"""Functions that are not web requests: the scheduled jobs (EventBridge rules) and the mail worker (SQS)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Cron, SQSEvent

from chalicelib.mail import worker
from chalicelib.registrations import reminders, retention

bp = Blueprint(__name__)
# The stack points the worker at its own queue (infra/resources.json overrides this name with the queue's ARN).
MAIL_QUEUE = "network-portal-mail"


@bp.schedule(Cron(0, 7, "*", "*", "?", "*"), name="send_reminders", description="Remind confirmed attendees")
def send_reminders(_event: Any) -> dict[str, int]:
    return {"jobs": reminders.send_reminders()}


@bp.schedule(Cron(30, 2, "*", "*", "?", "*"), name="anonymise_registrations", description="Privacy retention")
def anonymise_registrations(_event: Any) -> dict[str, int]:
    return {"anonymised": retention.anonymise_old_registrations()}


@bp.on_sqs_message(queue=MAIL_QUEUE, batch_size=1, name="send_mail")
def send_mail(event: SQSEvent) -> None:
    """One queue message at a time; an exception hands it back to SQS (and, after five tries, to the DLQ)."""
    for record in event:
        worker.handle(record.body)

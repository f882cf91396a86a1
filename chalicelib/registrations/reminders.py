"""Scheduled: remind confirmed attendees a few days before their event. Safe to run twice.

Each due event gets one reminder job a day (its id names the event and the day, so
a second run finds it recorded); the mail worker sends it and notes on each
registration that it was reminded, so the next day's job leaves them out.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from chalicelib.core import clock, config
from chalicelib.events.listings import event_listings
from chalicelib.events.model import EventStatus
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind
from chalicelib.mail.store import JobExists

log = logging.getLogger(__name__)
ACTOR = "planning"  # who the audit log names for a scheduled job


def send_reminders() -> int:
    """Start a reminder job for every published event in the next REMINDER_DAYS days; returns how many started."""
    now = clock.now()
    today = now.date()
    until = (today + timedelta(days=config.reminder_days() + 1)).isoformat()
    started = 0
    for event in event_listings().with_personal_data(until=until, since=today.isoformat()):
        if event.status != EventStatus.PUBLISHED:
            continue
        try:
            jobs.start(
                JobKind.REMINDER, ACTOR, "event.reminded", now, event=event, job_id=f"reminder-{event.slug}-{today}"
            )
        except JobExists:
            continue
        started += 1
    log.info("reminder jobs started: %d", started)
    return started

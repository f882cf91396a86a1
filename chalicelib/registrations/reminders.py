"""Scheduled: remind confirmed attendees a few days before their event. Safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from chalicelib import stores
from chalicelib.core import clock, config
from chalicelib.core.i18n import _
from chalicelib.events.model import EventStatus
from chalicelib.mail import sending as mail
from chalicelib.registrations import service as registration
from chalicelib.registrations.model import RegistrationStatus

log = logging.getLogger(__name__)


def send_reminders() -> int:
    """Every confirmed registration of events in the next REMINDER_DAYS days that has not been
    reminded. Marked before it is mailed, so no one gets two (a failed mail is logged, not retried)."""
    today = clock.now().date()
    until = (today + timedelta(days=config.reminder_days() + 1)).isoformat()
    sent = 0
    registrations = stores.registrations()
    for event in stores.events().with_personal_data(until=until, since=today.isoformat()):
        if event.status != EventStatus.PUBLISHED:
            continue
        for reg in registrations.list_for_event(event.slug):
            if (
                reg.status != RegistrationStatus.CONFIRMED
                or reg.reminded_at
                or not registrations.mark_reminded(reg, clock.now().isoformat())
            ):
                continue
            if mail.send(
                reg.email,
                _("Herinnering: %(title)s"),
                "reminder",
                reg.language,
                images={registration.QR_IMAGE: mail.qr_png(registration.manage_url(reg.token))},
                subject_params={"title": event.title},
                registration=reg,
                event=event,
                manage_url=registration.manage_url(reg.token),
                qr_image=registration.QR_IMAGE,
            ):
                sent += 1
    log.info("reminders sent: %d", sent)
    return sent

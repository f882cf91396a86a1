"""What each kind of mail job sends: who gets it, and the mail one recipient gets.

Recipients are found by the worker, never in the request: their number grows with
the data. Each kind composes its mail with the same templates as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import stores
from chalicelib.core import clock
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.evaluations.model import closes_at
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.mail import digest, newsletter
from chalicelib.mail import sending as mail
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.registrations.model import Registration, RegistrationStatus, online_link
from chalicelib.registrations.service import QR_IMAGE, manage_url


@dataclass(frozen=True)
class Kind:
    """How the mail worker handles one kind of mail job: whom it goes to, and how each mail is written."""

    find: Callable[[MailJob], list[Recipient]]
    compose: Callable[[MailJob, Recipient, Any], bytes | None]  # None: nothing for them after all (skipped)
    load: Callable[[MailJob], Any]  # what every mail of one batch shares (the event), read once per batch
    after_sent: Callable[[MailJob, Recipient], None]


def _event(job: MailJob) -> Event:
    event = stores.events().get_meta(job.event_slug)
    if event is None:
        raise LookupError("the job's event is gone")
    return event


def _nothing(job: MailJob) -> None:
    return None


def _nothing_after(job: MailJob, recipient: Recipient) -> None:
    return None


def _registrants(*statuses: RegistrationStatus, not_reminded: bool = False) -> Callable[[MailJob], list[Recipient]]:
    def find(job: MailJob) -> list[Recipient]:
        found: list[Registration] = [
            r
            for r in stores.registrations().list_for_event(job.event_slug)
            if r.status in statuses and not (not_reminded and r.reminded_at)
        ]
        return [_recipient(r) for r in found]

    return find


def _recipient(reg: Registration) -> Recipient:
    return Recipient(reg.key, reg.email, reg.name, reg.language, reg.token, reg.attendance)


def _evaluators(job: MailJob) -> list[Recipient]:
    """Who was checked in, and those with an online seat (no door to check in at); if nobody was
    checked in at all, everyone confirmed."""
    confirmed = [
        r for r in stores.registrations().list_for_event(job.event_slug) if r.status == RegistrationStatus.CONFIRMED
    ]
    if any(r.attended_at for r in confirmed):
        confirmed = [r for r in confirmed if r.attended_at or r.attendance == AttendanceMode.ONLINE]
    return [_recipient(r) for r in confirmed]


def _subscribers(job: MailJob) -> list[Recipient]:
    return [Recipient(email_key(a.email), a.email, a.name, a.language) for a in stores.accounts().subscribers()]


def _attendee_message(job: MailJob, to: Recipient, event: Event) -> bytes:
    return mail.compose(
        to.email,
        "%(subject)s",
        "attendee_message",
        to.language,
        subject_params={"subject": job.subject},
        registration=to,
        event=event,
        online_link=online_link(event, True, to.attendance) or "",  # a message goes to confirmed seats only
        body=job.body,
    )


def _event_cancelled(job: MailJob, to: Recipient, event: Event) -> bytes:
    return mail.compose(
        to.email,
        _("Geannuleerd: %(title)s"),
        "event_cancelled",
        to.language,
        subject_params={"title": event.title},
        registration=to,
        event=event,
        manage_url=manage_url(to.ref),
    )


def _reminder(job: MailJob, to: Recipient, event: Event) -> bytes:
    link = manage_url(to.ref)
    at_the_door = to.attendance != AttendanceMode.ONLINE  # an online seat has no door to scan a QR code at
    return mail.compose(
        to.email,
        _("Herinnering: %(title)s"),
        "reminder",
        to.language,
        images={QR_IMAGE: mail.qr_png(link)} if at_the_door else None,
        subject_params={"title": event.title},
        registration=to,
        event=event,
        online_link=online_link(event, True, to.attendance),  # reminders go to confirmed seats only
        manage_url=link,
        qr_image=QR_IMAGE if at_the_door else "",
    )


def _evaluation(job: MailJob, to: Recipient, event: Event) -> bytes:
    return mail.compose(
        to.email,
        _("Wat vond u van %(title)s?"),
        "evaluation",
        to.language,
        subject_params={"title": event.title},
        registration=to,
        event=event,
        evaluation_url=f"{manage_url(to.ref)}/evaluatie",
        closes=closes_at(job.created_at).date(),
    )


def _issue(job: MailJob, to: Recipient, _shared: None) -> bytes:
    return newsletter.issue(job.subject, job.body, to.email)


def _reminded(job: MailJob, to: Recipient) -> None:
    """The registration says it was reminded, so a later day's run leaves it out."""
    stores.registrations().set_reminded(job.event_slug, to.key, clock.now().isoformat())


KINDS: dict[JobKind, Kind] = {
    JobKind.ATTENDEE_MESSAGE: Kind(
        _registrants(RegistrationStatus.CONFIRMED), _attendee_message, _event, _nothing_after
    ),
    JobKind.EVENT_CANCELLED: Kind(
        _registrants(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING), _event_cancelled, _event, _nothing_after
    ),
    JobKind.NEWSLETTER: Kind(_subscribers, _issue, _nothing, _nothing_after),
    JobKind.REMINDER: Kind(_registrants(RegistrationStatus.CONFIRMED, not_reminded=True), _reminder, _event, _reminded),
    JobKind.EVALUATION: Kind(_evaluators, _evaluation, _event, _nothing_after),
    JobKind.DIGEST: Kind(digest.followers_with_news, digest.compose, digest.load, _nothing_after),
}

"""What the portal mails about a registration: one mail when it changes (sent at once), and the mail
jobs to everyone of a meeting (an organiser's message, a cancellation, the reminder), which the mail
worker sends through the kinds below.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.core import clock, config
from chalicelib.core.i18n import _
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.events.store import event_store
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration, online_link
from chalicelib.registrations.store import registration_store

QR_IMAGE = "toegang-qr"


def manage_url(token: str) -> str:
    """The personal link: the one way to a registration, sent only by mail."""
    return f"{config.base_url()}/r/{token}"


# -- one mail, when a registration changes ---------------------------------------------------------

SUBJECTS = {
    "confirmation": _("Uw aanmelding voor %(title)s"),
    "already": _("U bent al aangemeld voor %(title)s"),
    "promoted": _("Er is een plaats vrij: u bent aangemeld voor %(title)s"),
    "cancelled_by_organiser": _("Uw aanmelding voor %(title)s is geannuleerd"),
    "cancelled": _("Uw aanmelding voor %(title)s is geannuleerd"),
    "switched": _("U neemt anders deel aan %(title)s"),
}


def send(reg: Registration, event: Event, template: str) -> bool:
    """The mail of `template` (a key of SUBJECTS) to the person registered; True if SES took it."""
    link = manage_url(reg.token)
    has_seat = reg.status == RegistrationStatus.CONFIRMED and not template.startswith("cancelled")
    # people with a seat on location show this QR code (their personal link) at the door
    at_the_door = has_seat and reg.attendance == AttendanceMode.ON_SITE
    return mail.send(
        reg.email,
        SUBJECTS[template],
        template,
        reg.language,
        images={QR_IMAGE: mail.qr_png(link)} if at_the_door else None,
        subject_params={"title": event.title},
        registration=reg,
        event=event,
        online_link=online_link(event, has_seat, reg.attendance),
        manage_url=link,
        qr_image=QR_IMAGE if at_the_door else "",
        event_url=f"{config.base_url()}/events/{event.slug}",
    )


# -- mail to everyone of a meeting, as mail jobs ----------------------------------------------------


def event_of(job: MailJob) -> Event:
    """What every mail of a job about a meeting shares: the meeting, read once per batch."""
    event = event_store().get_meta(job.event_slug)
    if event is None:
        raise LookupError("the job's event is gone")
    return event


def registrants(*statuses: RegistrationStatus, not_reminded: bool = False) -> Callable[[MailJob], list[Recipient]]:
    def find(job: MailJob) -> list[Recipient]:
        found: list[Registration] = [
            r
            for r in registration_store().list_for_event(job.event_slug)
            if r.status in statuses and not (not_reminded and r.reminded_at)
        ]
        return [recipient(r) for r in found]

    return find


def recipient(reg: Registration) -> Recipient:
    return Recipient(reg.key, reg.email, reg.name, reg.language, reg.token, reg.attendance)


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


def _reminded(job: MailJob, to: Recipient) -> None:
    """The registration says it was reminded, so a later day's run leaves it out."""
    registration_store().set_reminded(job.event_slug, to.key, clock.now().isoformat())


KINDS: dict[JobKind, Kind] = {
    JobKind.ATTENDEE_MESSAGE: Kind(
        registrants(RegistrationStatus.CONFIRMED), _attendee_message, event_of, nothing_after
    ),
    JobKind.EVENT_CANCELLED: Kind(
        registrants(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING), _event_cancelled, event_of, nothing_after
    ),
    JobKind.REMINDER: Kind(
        registrants(RegistrationStatus.CONFIRMED, not_reminded=True), _reminder, event_of, _reminded
    ),
}

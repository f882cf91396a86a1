"""What the portal mails about a registration: one mail when it changes (sent at once), and the mail
jobs to everyone of a meeting (an organiser's message, a cancellation, a change, the reminder), which
the mail worker sends through the kinds below.

What a mail says about a person's part in the meeting (how they take part, their workshops, the
meeting link) is decided once, in `facts`; the templates (mail/_details) only write it out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, config
from chalicelib.core.i18n import _
from chalicelib.core.rendering import gettext, render
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.events.parts import workshop_key
from chalicelib.events.store import event_store
from chalicelib.events.workspace import MeetingChange
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


# -- what a mail says about someone's part in the meeting -------------------------------------------


@dataclass(frozen=True)
class ChosenWorkshop:
    """A workshop someone holds a seat in, as a mail names it."""

    title: str
    start: str
    end: str
    room: str


@dataclass(frozen=True)
class Facts:
    """What one mail says about a person's part in a meeting; an empty one says nothing about it."""

    mode: AttendanceMode | None = None  # how they take part, where it is not a given
    workshops: tuple[ChosenWorkshop, ...] = ()
    choose_workshop: bool = False  # a seat on location in a meeting with workshop rounds, and no choice yet
    online_link: str | None = None  # None: nothing to say of a link; "": not entered yet


def facts(
    event: Event, attendance: str, *, taking_part: bool, confirmed: bool, workshops: Mapping[str, int] | None = None
) -> Facts:
    """The facts a mail tells one person. `taking_part`: the mail is about their part ahead of the
    meeting (a confirmation, a reminder, a change), not about its end (a cancellation, the meeting
    called off, the evaluation), which tells none. `confirmed`: they hold a seat; someone waiting
    takes part in no way yet. `workshops`: their choices by round, None where the mail does not know
    them (a mail job's recipient)."""
    if not (taking_part and confirmed):
        return Facts()
    online = attendance == AttendanceMode.ONLINE
    chosen = [workshop_key(int(position), workshop) for position, workshop in (workshops or {}).items()]
    named = sorted(  # in the order of the day
        (ChosenWorkshop(*event.workshop_names[key]) for key in chosen if key in event.workshop_names),
        key=lambda workshop: workshop.start,
    )
    return Facts(
        # a meeting only on location goes without saying; online always says so (there is no door to come to)
        mode=AttendanceMode(attendance) if event.is_hybrid or online else None,
        workshops=tuple(named),
        choose_workshop=workshops is not None and not workshops and not online and bool(event.round_positions),
        online_link=online_link(event, True, attendance),
    )


# -- one mail, when a registration changes ---------------------------------------------------------

SUBJECTS = {
    "confirmation": _("Uw aanmelding voor %(title)s"),
    "already": _("U bent al aangemeld voor %(title)s"),
    "promoted": _("Er is een plaats vrij: u bent aangemeld voor %(title)s"),
    "cancelled_by_organiser": _("Uw aanmelding voor %(title)s is geannuleerd"),
    "cancelled": _("Uw aanmelding voor %(title)s is geannuleerd"),
    "switched": _("U neemt anders deel aan %(title)s"),
}


# the mails that tell how someone takes part; the others tell of an end
TAKING_PART = ("confirmation", "already", "promoted", "switched")


def send(reg: Registration, event: Event, template: str) -> bool:
    """The mail of `template` (a key of SUBJECTS) to the person registered; True if SES took it."""
    link = manage_url(reg.token)
    has_seat = reg.status == RegistrationStatus.CONFIRMED and template in TAKING_PART
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
        facts=facts(event, reg.attendance, taking_part=has_seat, confirmed=has_seat, workshops=reg.workshops),
        manage_url=link,
        qr_image=QR_IMAGE if at_the_door else "",
        event_url=f"{config.base_url()}/events/{event.slug}",
    )


# -- mail to everyone of a meeting, as mail jobs ----------------------------------------------------


def event_of(job: MailJob) -> Event:
    """What every mail of a job about a meeting shares: the meeting as it is now (a change notice tells
    the saved change), read once per batch."""
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
        facts=facts(event, to.attendance, taking_part=True, confirmed=True),  # a message goes to confirmed seats only
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
        facts=facts(event, to.attendance, taking_part=False, confirmed=False),
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
        facts=facts(event, to.attendance, taking_part=True, confirmed=True),  # reminders go to confirmed seats only
        manage_url=link,
        qr_image=QR_IMAGE if at_the_door else "",
    )


# -- a changed meeting ------------------------------------------------------------------------------

# whom each change concerns: a new time everyone with a seat, a new place who comes to it, a new
# link who follows online (the waiting list hears the meeting's facts when a seat comes free)
CONCERNS: dict[MeetingChange, tuple[AttendanceMode, ...]] = {
    MeetingChange.TIME: (AttendanceMode.ON_SITE, AttendanceMode.ONLINE),
    MeetingChange.PLACE: (AttendanceMode.ON_SITE,),
    MeetingChange.LINK: (AttendanceMode.ONLINE,),
}


def changes_for(changes: Collection[str], attendance: str) -> list[MeetingChange]:
    """The changes that concern someone who takes part this way."""
    return [change for change in MeetingChange if change in changes and attendance in CONCERNS[change]]


def _changed_for(job: MailJob) -> list[Recipient]:
    return [
        recipient(r)
        for r in registration_store().list_for_event(job.event_slug)
        if r.status == RegistrationStatus.CONFIRMED and changes_for(job.topics, r.attendance)
    ]


def _change_context(event: Event, attendance: str, changes: Collection[str]) -> dict[str, Any]:
    return {
        "event": event,
        "changes": changes_for(changes, attendance),
        "facts": facts(event, attendance, taking_part=True, confirmed=True),  # the notice goes to confirmed seats
    }


CHANGED_SUBJECT = _("Gewijzigd: %(title)s")


def _event_changed(job: MailJob, to: Recipient, event: Event) -> bytes:
    return mail.compose(
        to.email,
        CHANGED_SUBJECT,
        "event_changed",
        to.language,
        subject_params={"title": event.title},
        registration=to,
        manage_url=manage_url(to.ref),
        **_change_context(event, to.attendance, job.topics),
    )


@dataclass(frozen=True)
class Preview:
    """The change notice as one way of taking part reads it."""

    attendance: AttendanceMode
    subject: str
    text: str


@dataclass(frozen=True)
class ChangeNotice:
    """What mailing a saved change would do, shown to the organiser before it goes."""

    event: Event
    changes: tuple[MeetingChange, ...]
    reached: int  # the confirmed seats it concerns, by the event's own counters
    previews: list[Preview]


def _concerned(event: Event, changes: Collection[str]) -> list[AttendanceMode]:
    return [mode for mode in AttendanceMode if changes_for(changes, mode) and event.seats(mode).confirmed]


def reached(event: Event, changes: Collection[str]) -> int:
    """How many confirmed seats the changes concern, by the event's own counters (no read)."""
    return sum(event.seats(mode).confirmed for mode in _concerned(event, changes))


def change_notice(event: Event, changes: tuple[MeetingChange, ...], language: str) -> ChangeNotice:
    """Whom a change notice would reach and what it would say to each way of taking part (no mail is sent)."""
    modes = _concerned(event, changes)
    example = Recipient("", "", gettext(language, _("(naam van de deelnemer)")), language)
    previews = [
        Preview(
            mode,
            gettext(language, CHANGED_SUBJECT, title=event.title),
            render(
                "mail/event_changed.txt",
                language,
                registration=example,
                manage_url=gettext(language, _("(de persoonlijke link van de deelnemer)")),
                **_change_context(event, mode, changes),
            ),
        )
        for mode in modes
    ]
    return ChangeNotice(event, changes, reached(event, changes), previews)


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
    JobKind.EVENT_CHANGED: Kind(_changed_for, _event_changed, event_of, nothing_after),
    JobKind.REMINDER: Kind(
        registrants(RegistrationStatus.CONFIRMED, not_reminded=True), _reminder, event_of, _reminded
    ),
}

"""The calendars of people who registered: an attendee's own .ics and a member's private feed."""

from __future__ import annotations

from chalicelib.accounts import service as accounts
from chalicelib.core.i18n import _
from chalicelib.core.rendering import gettext
from chalicelib.events import calendar
from chalicelib.events.calendar import Attendance
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.store import event_store
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import Registration, online_link
from chalicelib.registrations.service import find
from chalicelib.registrations.store import registration_store

FEED_NAME = _("Mijn bijeenkomsten: regionaal netwerk")
FILE_NAME = _("aanmelding.ics")


def file_name(language: str) -> str:
    """The name an attendee's own file downloads under, in the language of the page that offers it."""
    return gettext(language, FILE_NAME)


def attendance(reg: Registration, event: Event) -> Attendance:
    """How the meeting stands for this person: a cancelled registration or meeting is CANCELLED,
    a place on the waiting list TENTATIVE."""
    if reg.ended or event.status == EventStatus.CANCELLED:
        return Attendance.CANCELLED
    return Attendance.TENTATIVE if reg.status == RegistrationStatus.WAITING else Attendance.CONFIRMED


def calendar_file(token: str) -> bytes:
    """The .ics behind a personal link: three reads, like the personal page."""
    reg, event, _position = find(token)
    return calendar.personal_ics(event, attendance(reg, event), reg.email, _link(reg, event))


def _link(reg: Registration, event: Event) -> str:
    return online_link(event, reg.status == RegistrationStatus.CONFIRMED, reg.attendance) or ""


def member_calendar(token: str) -> bytes:
    """A member's feed: their account (GetItem), their registrations (one Query) and those events
    (BatchGetItem). Raises NotFound for a link that was reset or an account that may not sign in."""
    account = accounts.calendar_owner(token)
    registrations = registration_store().for_email(account.email)
    events = event_store().metas([r.event_slug for r in registrations])
    entries = [
        (event, attendance(reg, event), _link(reg, event))
        for reg in registrations
        if (event := events.get(reg.event_slug)) is not None and event.status != EventStatus.DRAFT
    ]
    name = gettext(account.language, FEED_NAME)
    return calendar.personal_feed(sorted(entries, key=lambda e: e[0].starts_at), name)

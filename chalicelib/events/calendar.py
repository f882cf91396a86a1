"""iCalendar files and feeds for events, built with the icalendar library.

One meeting has one UID everywhere (`{slug}@network-portal`): in the public file, the public
feed, a member's feed and an attendee's own file, so that a calendar app that holds it from
any of them recognises a change. Its SEQUENCE is the event's version, which every organisers'
edit raises, so a new time or a cancellation outranks the copy a calendar holds (RFC 5545
3.8.7.4). Files are METHOD:PUBLISH (RFC 5546 3.2.1), with STATUS:CANCELLED for a cancelled
meeting; an attendee's own file of a cancelled meeting or registration is METHOD:CANCEL
(RFC 5546 3.2.5), which removes the meeting from the calendar that imported it.

Times are local to the network (`config.TIMEZONE`, Europe/Amsterdam), with that zone written out
as calendar programs write it themselves: two yearly rules (RRULE), not icalendar's own list of
every change from the tz database (RDATE), with which Outlook desktop is known to shift summer
meetings by an hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.core import clock, config, tenancy
from chalicelib.events.model import Event, EventStatus

if TYPE_CHECKING:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

PRODUCT = "-//Netwerkportaal//portal//NL"
# how often a subscribed calendar app should fetch a feed again (RFC 7986 REFRESH-INTERVAL)
REFRESH = timedelta(hours=1)
# The EU's summer time, in force since 1996: from the last Sunday of March, 02:00, to the last
# Sunday of October, 03:00 (`tests/events/test_calendar_zone.py` compares it with the tz database).
TIME_ZONE = f"""BEGIN:VTIMEZONE
TZID:{config.TIMEZONE.key}
BEGIN:STANDARD
DTSTART:19961027T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19960331T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""


class Attendance(StrEnum):
    """How a meeting stands for one person: the STATUS their calendar shows."""

    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"  # on the waiting list
    CANCELLED = "CANCELLED"  # their registration or the meeting itself


def event_ics(event: Event) -> bytes:
    """The public file of one meeting, as the event page offers it."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(_entry(event, _status(event)))
    return _finish(calendar)


def public_feed(events: Iterable[Event], name: str) -> bytes:
    """A subscribable feed of public meetings, cancelled ones included so that subscribers see it."""
    calendar = _calendar("PUBLISH", name)
    for event in events:
        calendar.add_component(_entry(event, _status(event)))
    return _finish(calendar)


def personal_ics(event: Event, status: Attendance, attendee: str, online_link: str = "") -> bytes:
    """One attendee's file: the meeting as it stands for them (with the meeting link for an online
    seat), or its cancellation (which names the attendee, as RFC 5546 asks of a CANCEL)."""
    cancelled = status == Attendance.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    entry = _entry(event, status, own_cancellation=cancelled and event.status != EventStatus.CANCELLED)
    _add_online(entry, online_link)
    if cancelled:
        entry.add("attendee", f"mailto:{attendee}")
    calendar.add_component(entry)
    return _finish(calendar)


def personal_feed(entries: Iterable[tuple[Event, Attendance, str]], name: str) -> bytes:
    """A member's feed of the meetings they registered for, each with its status for them and the
    meeting link where they have an online seat."""
    calendar = _calendar("PUBLISH", name)
    for event, status, online_link in entries:
        own = status == Attendance.CANCELLED and event.status != EventStatus.CANCELLED
        entry = _entry(event, status, own_cancellation=own)
        _add_online(entry, online_link)
        calendar.add_component(entry)
    return _finish(calendar)


def _add_online(entry: CalendarEvent, online_link: str) -> None:
    """An online seat's meeting link: as the location, where every calendar app shows (and links) it,
    and as RFC 7986 CONFERENCE, which apps that know it offer as a "join" button."""
    if online_link:
        entry["location"] = online_link
        # icalendar writes a list as a multi-valued parameter; its annotation allows text only
        features = {"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"]}
        entry.add("conference", online_link, parameters=features)  # type: ignore[arg-type]


def _status(event: Event) -> Attendance:
    return Attendance.CANCELLED if event.status == EventStatus.CANCELLED else Attendance.CONFIRMED


def _calendar(method: str, name: str = "") -> Calendar:
    # imported here: 40 ms of cold start that only calendar downloads need
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("name", name)  # RFC 7986
        calendar.add("x-wr-calname", name)  # the same, for the calendar apps that read only this one
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")  # the same, for Outlook
    return calendar


def _entry(event: Event, status: Attendance, own_cancellation: bool = False) -> CalendarEvent:
    from icalendar import Event as CalendarEvent
    from icalendar import vCalAddress

    entry = CalendarEvent()
    # unique across networks (two may use one slug); the default network's as they always were, so
    # that calendars that hold its meetings recognise them
    network = tenancy.name()
    entry.add("uid", f"{event.slug}@{'' if network == config.default_network_name() else network + '.'}network-portal")
    # a registration cancelled while the meeting stands outranks the version the attendee held
    entry.add("sequence", event.version + (1 if own_cancellation else 0))
    entry.add("dtstamp", clock.now().astimezone(UTC).replace(microsecond=0))
    organiser = vCalAddress(f"mailto:{config.mail_sender()}")
    organiser.params["cn"] = tenancy.current().title["nl"]
    entry.add("organizer", organiser)
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("status", status)
    entry.add("location", event.place)
    entry.add("description", event.summary or event.description)
    entry.add("url", f"{config.base_url()}/events/{event.slug}")
    return entry


def _finish(calendar: Calendar) -> bytes:
    from icalendar import Timezone

    if calendar.subcomponents:
        # the zone that every meeting's times name (TZID), before the meetings, where Outlook looks for it
        calendar.subcomponents.insert(0, Timezone.from_ical(TIME_ZONE))
    return bytes(calendar.to_ical())

"""iCalendar files for events, built with the icalendar library."""

from __future__ import annotations

from chalicelib.core import config
from chalicelib.events.model import Event, EventStatus


def event_ics(event: Event) -> bytes:
    # imported here: 40 ms of cold start that only calendar downloads need
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Regionaal netwerk maatschappelijk ongenoegen//portal//NL")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"{event.slug}@network-portal")
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("dtstamp", event.starts_at)  # stable output: the file changes only when the event does
    entry.add("location", ", ".join(part for part in (event.room, event.venue, event.address) if part))
    entry.add("description", event.summary or event.description)
    entry.add("url", f"{config.base_url()}/events/{event.slug}")
    if event.status == EventStatus.CANCELLED:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())

"""Finding events: the lists on / and /events, one event's page, and the public calendar feed."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.accounts.model import Account
from chalicelib.core import clock, config, tenancy
from chalicelib.core.errors import EventNotFound
from chalicelib.core.paging import Page
from chalicelib.events import calendar
from chalicelib.events.listings import event_listings
from chalicelib.events.model import Event, EventStatus
from chalicelib.events.store import event_store

SLUG_MAX = 80
# the feed keeps a month of past meetings, so a subscribed calendar does not lose them the day after,
# and looks a year ahead; at most FEED_LIMIT meetings (about 270 KB), the nearest first, so that it
# stays one page of reads and far below Lambda's 6 MB response whatever the table holds
FEED_PAST_DAYS = 31
FEED_AHEAD_DAYS = 365
FEED_LIMIT = 500


def get(slug: str, viewer: Account | None = None) -> Event:
    """An event with its programme, if it exists for this visitor (`Event.visible_to`): one DynamoDB
    Query. A working group's meeting is EventNotFound to anyone outside the group, as a missing one is."""
    if not slug or len(slug) > SLUG_MAX:
        raise EventNotFound()
    event = event_store().get(slug)
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise EventNotFound()
    if not event.visible_to(viewer):
        raise EventNotFound()
    return event


def calendar_file(slug: str, viewer: Account | None = None) -> bytes:
    """The .ics of one meeting (published or cancelled) that exists for this visitor."""
    return calendar.event_ics(get(slug, viewer))


def of_group(viewer: Account, group: str) -> list[Event]:
    """A working group's upcoming meetings, for someone who may see them: one Query."""
    if not viewer.sees_group(group):
        return []
    return event_listings().of_group(group, after_key=clock.now().date().isoformat())


def of_my_groups(viewer: Account | None) -> list[Event]:
    """The upcoming meetings of the working groups the visitor belongs to, by date: one Query per group."""
    if viewer is None or not viewer.can_sign_in:
        return []
    today = clock.now().date().isoformat()
    found = [event for group in viewer.groups for event in event_listings().of_group(group, after_key=today)]
    return sorted(found, key=lambda event: (event.date, event.start))


def upcoming(cursor: str | None = None, limit: int | None = None) -> Page[Event]:
    today = clock.now().date().isoformat()
    return event_listings().published(after_key=today, upcoming=True, limit=limit or config.page_size(), cursor=cursor)


def past(cursor: str | None = None, limit: int | None = None) -> Page[Event]:
    today = clock.now().date().isoformat()
    return event_listings().published(after_key=today, upcoming=False, limit=limit or config.page_size(), cursor=cursor)


def calendar_feed() -> bytes:
    """The public meetings from a month ago to a year ahead, cancelled ones with their cancellation,
    at most FEED_LIMIT: two Queries of one page each."""
    today = clock.now().date()
    since = (today - timedelta(days=FEED_PAST_DAYS)).isoformat()
    until = (today + timedelta(days=FEED_AHEAD_DAYS + 1)).isoformat()  # the window's last day whole
    return calendar.public_feed(event_listings().in_calendar(since, until, FEED_LIMIT), tenancy.current().title["nl"])

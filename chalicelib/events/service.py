"""Finding events: the lists on / and /events, and one event's page."""

from __future__ import annotations

from chalicelib import stores
from chalicelib.core import clock, config
from chalicelib.core.errors import EventNotFound
from chalicelib.events.model import Event, EventPage, EventStatus

SLUG_MAX = 80


def get(slug: str) -> Event:
    """An event with its programme: one DynamoDB Query."""
    if not slug or len(slug) > SLUG_MAX:
        raise EventNotFound()
    event = stores.events().get(slug)
    if event is None or event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise EventNotFound()
    return event


def upcoming(cursor: str | None = None, limit: int | None = None) -> EventPage:
    today = clock.now().date().isoformat()
    return stores.events().published(after_key=today, upcoming=True, limit=limit or config.page_size(), cursor=cursor)


def past(cursor: str | None = None, limit: int | None = None) -> EventPage:
    today = clock.now().date().isoformat()
    return stores.events().published(after_key=today, upcoming=False, limit=limit or config.page_size(), cursor=cursor)

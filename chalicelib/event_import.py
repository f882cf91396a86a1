"""Turning an organiser's event description (parsed YAML or JSON) into stored events.

Validation is strict and names the event and field, because the person
reading the message is an organiser at a command line.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib import stores
from chalicelib.config import TIMEZONE
from chalicelib.event_forms import SLUG, TIME
from chalicelib.event_store import MAX_SLOTS
from chalicelib.models import Event, Slot, Speaker


class InvalidEventFile(ValueError):
    pass


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if data.get(key) in (None, ""):
        raise InvalidEventFile(f"{where}: '{key}' is required")
    return data[key]


def _time(value: Any, where: str) -> str:
    text = str(value)
    if not TIME.match(text):
        raise InvalidEventFile(f"{where}: time '{text}' is not HH:MM")
    return text


def _slot(position: int, data: dict[str, Any], where: str) -> Slot:
    where = f"{where}, slot {position}"
    speakers = tuple(
        Speaker(str(_need(s, "name", where)), str(s.get("organisation", ""))) for s in data.get("speakers", []) or []
    )
    end = _time(data["end"], where) if data.get("end") else ""
    start = _time(_need(data, "start", where), where)
    if end and end <= start:
        raise InvalidEventFile(f"{where}: ends at {end}, before it starts at {start}")
    return Slot(position, start, end, str(_need(data, "title", where)), speakers)


def _deadline(value: Any, where: str) -> datetime | None:
    if not value:
        return None
    try:
        deadline = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidEventFile(f"{where}: registration_deadline must be YYYY-MM-DDTHH:MM") from exc
    return deadline if deadline.tzinfo else deadline.replace(tzinfo=TIMEZONE)


def parse_event(data: dict[str, Any]) -> Event:
    where = f"event '{data.get('slug', '?')}'"
    slug = str(_need(data, "slug", where))
    if not SLUG.match(slug) or len(slug) > 80:
        raise InvalidEventFile(f"{where}: slug must be lowercase letters, digits and single hyphens, at most 80")
    try:
        day = date.fromisoformat(str(_need(data, "date", where)))
    except ValueError as exc:
        raise InvalidEventFile(f"{where}: date must be YYYY-MM-DD") from exc
    start, end = _time(_need(data, "start", where), where), _time(_need(data, "end", where), where)
    if end <= start:
        raise InvalidEventFile(f"{where}: ends at {end}, before it starts at {start}")
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise InvalidEventFile(f"{where}: capacity must be a whole number of 0 or more")
    deadline = _deadline(data.get("registration_deadline"), where)
    slots = data.get("programme", []) or []
    if len(slots) > MAX_SLOTS:
        raise InvalidEventFile(f"{where}: at most {MAX_SLOTS} programme slots")
    event = Event(
        slug=slug,
        title=str(_need(data, "title", where)),
        date=day,
        start=start,
        end=end,
        venue=str(_need(data, "venue", where)),
        capacity=capacity,
        room=str(data.get("room", "")),
        address=str(data.get("address", "")),
        summary=str(data.get("summary", "")).strip(),
        description=str(data.get("description", "")).strip(),
        audience=str(data.get("audience", "")).strip(),
        roles=tuple(str(r) for r in data.get("roles", []) or []),
        themes=tuple(str(t) for t in data.get("themes", []) or []),
        registration_deadline=deadline,
        status="cancelled" if data.get("cancelled") else "published",
        publish_slides_after=bool(data.get("publish_slides_after", False)),
        programme=[_slot(i, s, where) for i, s in enumerate(slots, start=1)],
    )
    if deadline and deadline > event.starts_at:
        raise InvalidEventFile(f"{where}: registration_deadline is after the event starts")
    return event


def load(document: dict[str, Any] | list[Any]) -> list[str]:
    """Validate every event first, then store them; returns the slugs stored."""
    items = document.get("events", []) if isinstance(document, dict) else document
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidEventFile("expected a list of events, or a mapping with an 'events' list")
    parsed = [parse_event(item) for item in items]
    store = stores.events()
    for event in parsed:
        store.save(event)
    return [e.slug for e in parsed]

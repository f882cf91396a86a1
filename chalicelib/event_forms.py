"""Validation of the organisers' event and programme forms. Messages are Dutch msgids."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.config import TIMEZONE
from chalicelib.forms import FieldError, raise_if, slugify, text_field
from chalicelib.i18n import _
from chalicelib.models import THEMES, Event, Slot, Speaker

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # and not "nieuw": /beheer/bijeenkomsten/nieuw is a page
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CAPACITY_MAX = 5000
ROLES_MAX = 20
SPEAKERS_MAX = 10
EVENT_FIELDS = (
    "title",
    "slug",
    "date",
    "start",
    "end",
    "venue",
    "room",
    "address",
    "summary",
    "description",
    "audience",
    "roles",
    "themes",
    "capacity",
    "registration_deadline",
)
SLOT_FIELDS = ("start", "end", "title", "speakers")
# "Naam (Organisatie)" on a line of its own
_SPEAKER = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<organisation>[^()]*)\))?$")


@dataclass(frozen=True)
class EventInput:
    """The fields an organiser sets, named as on Event."""

    title: str
    slug: str
    date: date
    start: str
    end: str
    venue: str
    room: str
    address: str
    summary: str
    description: str
    audience: str
    roles: tuple[str, ...]
    themes: tuple[str, ...]
    capacity: int
    registration_deadline: datetime | None
    publish_slides_after: bool


def _time(form: Mapping[str, str], name: str, errors: dict[str, FieldError], required: bool = True) -> str:
    value = form.get(name, "").strip()
    if not value and not required:
        return ""
    if not TIME.match(value):
        errors[name] = FieldError(_("Vul een tijd in als 13:30."))
    return value


def _date(form: Mapping[str, str], errors: dict[str, FieldError]) -> date:
    try:
        return date.fromisoformat(form.get("date", "").strip())
    except ValueError:
        errors["date"] = FieldError(_("Vul een datum in als 2027-09-18."))
        return date.min


def _capacity(form: Mapping[str, str], errors: dict[str, FieldError]) -> int:
    raw = form.get("capacity", "").strip()
    if not raw.isdigit() or int(raw) > CAPACITY_MAX:
        errors["capacity"] = FieldError(_("Vul een heel getal in van 0 tot en met %(max)d."), CAPACITY_MAX)
        return 0
    return int(raw)


def _deadline(form: Mapping[str, str], errors: dict[str, FieldError]) -> datetime | None:
    raw = form.get("registration_deadline", "").strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=TIMEZONE)
    except ValueError:
        errors["registration_deadline"] = FieldError(_("Vul een datum en tijd in, bijvoorbeeld 2027-09-18T09:00."))
        return None


def _lines(form: Mapping[str, str], name: str, errors: dict[str, FieldError], most: int) -> tuple[str, ...]:
    # the whole text first (lines of 100 characters and their line breaks), then each line
    text = text_field(form, name, errors, limit=most * 101, multiline=True, required=False)
    lines = tuple(dict.fromkeys(" ".join(line.split()) for line in text.splitlines() if line.strip()))
    if name not in errors and (len(lines) > most or any(len(line) > 100 for line in lines)):
        errors[name] = FieldError(_("Ten hoogste %(max)d regels van elk 100 tekens."), most)
    return lines


def clean_event(form: Mapping[str, str], new: bool) -> EventInput:
    """The cleaned event fields, or InvalidInput with a message per field, in form order."""
    errors: dict[str, FieldError] = {}
    title = text_field(form, "title", errors, limit=150)
    slug = ""
    if new:
        slug = form.get("slug", "").strip().lower() or slugify(title, fallback="")
        if "title" not in errors and (not SLUG.match(slug) or len(slug) > 80 or slug == "nieuw"):
            errors["slug"] = FieldError(_("Alleen kleine letters, cijfers en losse streepjes, ten hoogste 80 tekens."))
    day = _date(form, errors)
    start, end = _time(form, "start", errors), _time(form, "end", errors)
    if "start" not in errors and "end" not in errors and end <= start:
        errors["end"] = FieldError(_("De eindtijd moet na de begintijd liggen."))
    venue = text_field(form, "venue", errors, limit=150)
    room = text_field(form, "room", errors, limit=100, required=False)
    address = text_field(form, "address", errors, limit=200, required=False)
    summary = text_field(form, "summary", errors, limit=300, required=False)
    description = text_field(form, "description", errors, limit=10_000, multiline=True, required=False)
    audience = text_field(form, "audience", errors, limit=1000, multiline=True, required=False)
    roles = _lines(form, "roles", errors, ROLES_MAX)
    themes = tuple(theme for i, theme in enumerate(THEMES) if form.get(f"theme_{i}") == "yes")
    capacity = _capacity(form, errors)
    deadline = _deadline(form, errors)
    if deadline and "date" not in errors and "start" not in errors:
        starts = datetime.fromisoformat(f"{day.isoformat()}T{start}").replace(tzinfo=TIMEZONE)
        if deadline > starts:
            errors["registration_deadline"] = FieldError(
                _("De aanmelddeadline moet vóór het begin van de bijeenkomst liggen.")
            )
    raise_if(errors, EVENT_FIELDS)
    return EventInput(
        title,
        slug,
        day,
        start,
        end,
        venue,
        room,
        address,
        summary,
        description,
        audience,
        roles,
        themes,
        capacity,
        deadline,
        form.get("publish_slides_after") == "yes",
    )


def event_values(event: Event) -> dict[str, Any]:
    """The form's values for a stored event."""
    values: dict[str, Any] = {
        "title": event.title,
        "slug": event.slug,
        "date": event.date.isoformat(),
        "start": event.start,
        "end": event.end,
        "venue": event.venue,
        "room": event.room,
        "address": event.address,
        "summary": event.summary,
        "description": event.description,
        "audience": event.audience,
        "roles": "\n".join(event.roles),
        "capacity": str(event.capacity),
        "registration_deadline": (
            event.registration_deadline.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M")
            if event.registration_deadline
            else ""
        ),
        "publish_slides_after": "yes" if event.publish_slides_after else "",
        "version": str(event.version),
    }
    values.update({f"theme_{i}": "yes" for i, theme in enumerate(THEMES) if theme in event.themes})
    return values


def _speakers(form: Mapping[str, str], errors: dict[str, FieldError]) -> tuple[Speaker, ...]:
    lines = _lines(form, "speakers", errors, SPEAKERS_MAX)
    speakers = []
    for line in lines:
        match = _SPEAKER.match(line)
        if match is None:
            errors["speakers"] = FieldError(_("Schrijf elke spreker als Naam (Organisatie), één per regel."))
            return ()
        speakers.append(Speaker(match["name"], (match["organisation"] or "").strip()))
    return tuple(speakers)


def clean_slot(form: Mapping[str, str], event: Event, position: int, order: int) -> Slot:
    """A programme slot that fits the event's times and overlaps no other slot."""
    errors: dict[str, FieldError] = {}
    start = _time(form, "start", errors)
    end = _time(form, "end", errors, required=False)
    if "start" not in errors and "end" not in errors:
        if end and end <= start:
            errors["end"] = FieldError(_("De eindtijd moet na de begintijd liggen."))
        elif start < event.start or (end or start) > event.end:
            errors["start"] = FieldError(
                _("Dit onderdeel valt buiten de tijden van de bijeenkomst (%(other)s)."),
                other=f"{event.start}–{event.end}",
            )
        else:
            clash = overlapping(start, end, [s for s in event.programme if s.position != position])
            if clash:
                errors["start"] = FieldError(
                    _("Dit onderdeel overlapt met %(other)s."), other=f"{clash.start}–{clash.end} {clash.title}"
                )
    title = text_field(form, "title", errors, limit=200)
    speakers = _speakers(form, errors)
    raise_if(errors, SLOT_FIELDS)
    return Slot(position, start, end, title, speakers, order)


def overlapping(start: str, end: str, others: list[Slot]) -> Slot | None:
    """The first slot that shares time with start-end. A slot without an end is a moment (a walk-in)."""
    for other in others:
        other_end = other.end or other.start
        mine_end = end or start
        if start < other_end and other.start < mine_end:
            return other
    return None


def slot_values(slot: Slot) -> dict[str, str]:
    speakers = "\n".join(f"{s.name} ({s.organisation})" if s.organisation else s.name for s in slot.speakers)
    return {"start": slot.start, "end": slot.end, "title": slot.title, "speakers": speakers}

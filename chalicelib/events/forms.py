"""The rules of an event and its programme, for the workspace forms and the import alike.

The per-field rules come from the declarations on `Event` (see `core/fields.py`);
this module adds what ties fields together: the slug made from the title, times
in order, a deadline before the start, slots inside the event and not overlapping.
Messages are Dutch msgids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.core.config import TIMEZONE
from chalicelib.core.fields import PARSERS, FormRule, clean_fields, form_rules, form_values
from chalicelib.core.forms import FieldError, raise_if, slugify, text_field, whole_number
from chalicelib.core.i18n import _
from chalicelib.events.model import CAPACITY_MAX, MAX_EVENT_WORKSHOPS, MAX_WORKSHOPS, Event
from chalicelib.events.parts import Slot, Speaker, Workshop

SPEAKERS_MAX = 10
RESERVED_SLUGS = ("nieuw",)  # /beheer/bijeenkomsten/nieuw is a page
# the declaration's order, but the title before the slug that is made from it
EVENT_FORM = sorted(form_rules(Event), key=lambda field: field[0] != "title")
EVENT_FIELDS = (*(name for name, _rule in EVENT_FORM), "version")
WORKSHOP_PARTS = ("title", "room", "capacity", "speakers")  # a workshop row's fields: workshop_{n}_{part}
SLOT_FIELDS = (
    "start",
    "end",
    "title",
    "speakers",
    *(f"workshop_{n}_{part}" for n in range(1, MAX_WORKSHOPS + 1) for part in WORKSHOP_PARTS),
)
_SESSION_CAPACITY = FormRule(_("Plaatsen"), "number", limit=CAPACITY_MAX, required=True)
_START = FormRule(_("Begintijd"), "time", required=True)
_END = FormRule(_("Eindtijd"), "time")
_SPEAKERS = FormRule(_("Sprekers"), "lines", limit=SPEAKERS_MAX)
# "Naam (Organisatie)" on a line of its own
_SPEAKER = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<organisation>[^()]*)\))?$")


def clean_event(form: Mapping[str, str], new: bool) -> dict[str, Any]:
    """The event's editable fields by name, or InvalidInput with a message per field, in form order.

    The slug is set only when the event is new: it is the event's key.
    """
    errors: dict[str, FieldError] = {}
    values = clean_fields(Event, form, errors, skip=() if new else ("slug",))
    if new:
        _slug(values, errors)
    start, end = values["start"], values["end"]
    if "start" not in errors and "end" not in errors and end <= start:
        errors["end"] = FieldError(_("De eindtijd moet na de begintijd liggen."))
    deadline = values["registration_deadline"]
    if deadline and not {"date", "start"} & errors.keys():
        starts = datetime.fromisoformat(f"{values['date'].isoformat()}T{start}").replace(tzinfo=TIMEZONE)
        if deadline > starts:
            errors["registration_deadline"] = FieldError(
                _("De aanmelddeadline moet vóór het begin van de bijeenkomst liggen.")
            )
    raise_if(errors, EVENT_FIELDS)
    return values


def _slug(values: dict[str, Any], errors: dict[str, FieldError]) -> None:
    """An empty slug is made from the title; 'nieuw' names a page of its own."""
    if "slug" in errors or "title" in errors:
        return
    values["slug"] = values["slug"] or slugify(values["title"], fallback="")
    if not values["slug"] or values["slug"] in RESERVED_SLUGS:
        errors["slug"] = FieldError(_("Alleen kleine letters, cijfers en losse streepjes, ten hoogste 80 tekens."))


def event_values(event: Event) -> dict[str, str]:
    """The form's values for a stored event, with the version the form must send back."""
    return {**form_values(event), "version": str(event.version)}


def _speakers(form: Mapping[str, str], errors: dict[str, FieldError], name: str = "speakers") -> tuple[Speaker, ...]:
    speakers = []
    for line in PARSERS["lines"](form, name, _SPEAKERS, errors):
        match = _SPEAKER.match(line)
        if match is None:
            errors[name] = FieldError(_("Schrijf elke spreker als Naam (Organisatie), één per regel."))
            return ()
        speakers.append(Speaker(match["name"], (match["organisation"] or "").strip()))
    return tuple(speakers)


def clean_slot(form: Mapping[str, str], event: Event, position: int, order: int) -> Slot:
    """A programme slot that fits the event's times and overlaps no other slot."""
    errors: dict[str, FieldError] = {}
    start = PARSERS["time"](form, "start", _START, errors)
    end = PARSERS["time"](form, "end", _END, errors)
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
    workshops = _workshops(form, event, position, errors)
    raise_if(errors, SLOT_FIELDS)
    return Slot(position, start, end, title, speakers, order, workshops)


def _workshops(
    form: Mapping[str, str], event: Event, position: int, errors: dict[str, FieldError]
) -> tuple[Workshop, ...]:
    """A workshop round's workshops, one row of the form each (empty rows are left out). A row keeps its
    session's id; a new one gets the next id. A session people chose can neither go nor shrink below them."""
    existing = next((s.workshops for s in event.programme if s.position == position), ())
    known = {s.id for s in existing}
    next_id = max(known, default=0) + 1
    workshops: list[Workshop] = []
    for n in range(1, MAX_WORKSHOPS + 1):
        prefix = f"workshop_{n}_"
        if not any(form.get(prefix + part, "").strip() for part in WORKSHOP_PARTS):
            continue
        # a row keeps its session's id; a new slot (an event file) may name its own
        kept = whole_number(form.get(prefix + "id", ""))
        used = {s.id for s in workshops}
        workshop_id = kept if kept and kept not in used and (kept in known or not existing) else next_id
        next_id = max(next_id, workshop_id + 1)
        title = text_field(form, prefix + "title", errors, limit=200)
        room = text_field(form, prefix + "room", errors, limit=100, required=False)
        capacity = PARSERS["number"](form, prefix + "capacity", _SESSION_CAPACITY, errors)
        taken = event.workshop_taken(position, workshop_id)
        if prefix + "capacity" not in errors and capacity < taken:
            errors[prefix + "capacity"] = FieldError(
                _("Minstens %(max)d: zoveel deelnemers kozen deze workshop al."), taken
            )
        workshops.append(Workshop(workshop_id, title, capacity, room, _speakers(form, errors, prefix + "speakers")))
    if len(workshops) == 1:
        errors["workshop_1_title"] = FieldError(_("Een workshopronde heeft ten minste twee workshops."))
    others = sum(len(s.workshops) for s in event.programme if s.position != position)
    if others + len(workshops) > MAX_EVENT_WORKSHOPS:
        errors["workshop_1_title"] = FieldError(
            _("Een bijeenkomst heeft ten hoogste %(max)d workshops in al haar rondes samen."), MAX_EVENT_WORKSHOPS
        )
    kept_ids = {s.id for s in workshops}
    gone = [s for s in existing if s.id not in kept_ids and event.workshop_taken(position, s.id)]
    if gone:
        errors["workshop_1_title"] = FieldError(
            _("‘%(other)s’ kan niet weg: deelnemers kozen deze workshop. Zet de rij terug."), other=gone[0].title
        )
    return tuple(workshops)


def overlapping(start: str, end: str, others: list[Slot]) -> Slot | None:
    """The first slot that shares time with start-end. A slot without an end is a moment (a walk-in)."""
    for other in others:
        other_end = other.end or other.start
        mine_end = end or start
        if start < other_end and other.start < mine_end:
            return other
    return None


def workshop_rows(values: Mapping[str, str]) -> int:
    """How many workshop rows the slot form shows: those filled in and two empty ones, at least three."""
    filled = (n for n in range(1, MAX_WORKSHOPS + 1) if any(values.get(f"workshop_{n}_{p}") for p in WORKSHOP_PARTS))
    used = max(filled, default=0)
    return min(max(used + 2, 3), MAX_WORKSHOPS)


def _speaker_lines(speakers: tuple[Speaker, ...]) -> str:
    return "\n".join(f"{s.name} ({s.organisation})" if s.organisation else s.name for s in speakers)


def slot_values(slot: Slot) -> dict[str, str]:
    values = {"start": slot.start, "end": slot.end, "title": slot.title, "speakers": _speaker_lines(slot.speakers)}
    for n, session in enumerate(slot.workshops, start=1):
        values |= {
            f"workshop_{n}_id": str(session.id),
            f"workshop_{n}_title": session.title,
            f"workshop_{n}_room": session.room,
            f"workshop_{n}_capacity": str(session.capacity),
            f"workshop_{n}_speakers": _speaker_lines(session.speakers),
        }
    return values

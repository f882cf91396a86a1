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
from chalicelib.core.forms import FieldError, raise_if, slugify, text_field
from chalicelib.core.i18n import _
from chalicelib.events.model import Event, Slot, Speaker

SPEAKERS_MAX = 10
RESERVED_SLUGS = ("nieuw",)  # /beheer/bijeenkomsten/nieuw is a page
# the declaration's order, but the title before the slug that is made from it
EVENT_FORM = sorted(form_rules(Event), key=lambda field: field[0] != "title")
EVENT_FIELDS = (*(name for name, _rule in EVENT_FORM), "version")
SLOT_FIELDS = ("start", "end", "title", "speakers")
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


def _speakers(form: Mapping[str, str], errors: dict[str, FieldError]) -> tuple[Speaker, ...]:
    speakers = []
    for line in PARSERS["lines"](form, "speakers", _SPEAKERS, errors):
        match = _SPEAKER.match(line)
        if match is None:
            errors["speakers"] = FieldError(_("Schrijf elke spreker als Naam (Organisatie), één per regel."))
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

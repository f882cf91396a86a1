"""The rules of an event and its programme, for the workspace forms and the import alike.

The per-field rules come from the declarations on `Event`, `Slot` and `Workshop` (see
`core/fields.py`); this module adds what ties fields together: the slug made from the
title, times in order, a deadline before the start, slots inside the event and not
overlapping, a round's workshops and the seats already taken in them.
Messages are Dutch msgids.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.accounts import groups
from chalicelib.core.config import TIMEZONE
from chalicelib.core.fields import clean_fields, form_rules, form_values, row_prefix
from chalicelib.core.forms import FieldError, raise_if, slugify
from chalicelib.core.i18n import _
from chalicelib.events.model import MAX_EVENT_WORKSHOPS, Event
from chalicelib.events.parts import MAX_WORKSHOPS, Slot, Workshop

RESERVED_SLUGS = ("nieuw",)  # /beheer/bijeenkomsten/nieuw is a page
# the declaration's order, but the title before the slug that is made from it
EVENT_FORM = sorted(form_rules(Event), key=lambda field: field[0] != "title")
EVENT_FIELDS = (*(name for name, _rule in EVENT_FORM), "version")
SLOT_FORM = form_rules(Slot)


def workshop_field(n: int, name: str) -> str:
    """A field of the slot form's row `n`: one of the round's workshops."""
    return row_prefix("workshops", n) + name


# the fields of a round's rows, workshop_{n}_{name}, as a row shows them: the declaration's order, but the
# room beside the title that it goes with; the id travels unseen
WORKSHOP_ROW = sorted(
    ((name, rule) for name, rule in form_rules(Workshop) if rule.kind != "id"),
    key=lambda field: field[0] not in ("title", "room"),
)
ROUND = next(name for name, rule in SLOT_FORM if rule.kind == "rows")  # a message about the round as a whole
# in the order the form shows them: the slot's fields, the round, its rows
SLOT_FIELDS = (
    *(name for name, _rule in SLOT_FORM),
    *(workshop_field(n, name) for n in range(1, MAX_WORKSHOPS + 1) for name, _rule in WORKSHOP_ROW),
)


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
    _group(values, errors)
    raise_if(errors, EVENT_FIELDS)
    return values


def _group(values: dict[str, Any], errors: dict[str, FieldError]) -> None:
    """A working group's meeting names a group of the network, and its slides stay out of the library,
    which is the whole network's."""
    if not values["group"] or "group" in errors:
        return
    values["group"] = values["group"].lower()  # a short name is lower case; "Drivergroep" means it too
    if not groups.exists(values["group"]):
        errors["group"] = FieldError(
            _("Er is geen werkgroep met deze korte naam. De werkgroepen staan op /beheer/werkgroepen.")
        )
    elif values["publish_slides_after"]:
        errors["publish_slides_after"] = FieldError(
            _("De dia's van een werkgroepbijeenkomst gaan niet vanzelf in de kennisbank, die voor het hele netwerk is.")
        )


def _slug(values: dict[str, Any], errors: dict[str, FieldError]) -> None:
    """An empty slug is made from the title; 'nieuw' names a page of its own."""
    if "slug" in errors or "title" in errors:
        return
    values["slug"] = values["slug"] or slugify(values["title"], fallback="")
    if not values["slug"] or values["slug"] in RESERVED_SLUGS:
        errors["slug"] = FieldError(_("Alleen kleine letters, cijfers en losse streepjes, ten hoogste 80 tekens."))


def event_values(event: Event) -> dict[str, str]:
    """The form's values for a stored event, with the version the form must send back."""
    return {**form_values(Event, event), "version": str(event.version)}


def clean_slot(form: Mapping[str, str], event: Event, position: int, order: int) -> Slot:
    """A programme slot that fits the event's times and overlaps no other slot. Every message the form
    earns comes at once: each field's own, the times', and the workshop round's."""
    errors: dict[str, FieldError] = {}
    values = clean_fields(Slot, form, errors, skip=("workshops",))
    _times(values["start"], values["end"], event, position, errors)
    workshops = _workshops(form, event, position, errors)
    raise_if(errors, SLOT_FIELDS)
    return Slot(position=position, order=order, workshops=workshops, **values)


def _times(start: str, end: str, event: Event, position: int, errors: dict[str, FieldError]) -> None:
    """The slot's start and end, each against the event's times, against each other and, when both
    are right, against the other slots."""
    outside = FieldError(
        _("Dit onderdeel valt buiten de tijden van de bijeenkomst (%(other)s)."), other=f"{event.start}–{event.end}"
    )
    start_read, end_read = "start" not in errors, "end" not in errors  # each a time of day as typed
    if start_read and not event.start <= start <= event.end:
        errors["start"] = outside
    if end_read and end:
        if start_read and end <= start:
            errors["end"] = FieldError(_("De eindtijd moet na de begintijd liggen."))
        elif end > event.end:
            errors["end"] = outside
    if "start" in errors or "end" in errors:
        return
    clash = overlapping(start, end, [s for s in event.programme if s.position != position])
    if clash:
        errors["start"] = FieldError(
            _("Dit onderdeel overlapt met %(other)s."), other=f"{clash.start}–{clash.end} {clash.title}"
        )


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
        if not any(form.get(workshop_field(n, name), "").strip() for name, _rule in WORKSHOP_ROW):
            continue
        values = clean_fields(Workshop, form, errors, prefix=workshop_field(n, ""))
        # a row keeps its session's id; a new slot (an event file) may name its own
        kept = values.pop("id")
        used = {s.id for s in workshops}
        workshop_id = kept if kept and kept not in used and (kept in known or not existing) else next_id
        next_id = max(next_id, workshop_id + 1)
        taken = event.workshop_taken(position, workshop_id)
        if workshop_field(n, "capacity") not in errors and values["capacity"] < taken:
            errors[workshop_field(n, "capacity")] = FieldError(
                _("Minstens %(max)d: zoveel deelnemers kozen deze workshop al."), taken
            )
        workshops.append(Workshop(id=workshop_id, **values))
    round_error = _round_error(workshops, existing, event, position)
    if round_error:
        errors[ROUND] = round_error
    return tuple(workshops)


def _round_error(
    workshops: list[Workshop], existing: tuple[Workshop, ...], event: Event, position: int
) -> FieldError | None:
    """What is wrong with the round as a whole, beside its rows' own messages: a workshop people chose
    that is gone first (its row must come back), then how many workshops it has."""
    kept_ids = {s.id for s in workshops}
    gone = [s for s in existing if s.id not in kept_ids and event.workshop_taken(position, s.id)]
    if gone:
        return FieldError(
            _("‘%(other)s’ kan niet weg: deelnemers kozen deze workshop. Zet de rij terug."), other=gone[0].title
        )
    if len(workshops) == 1:
        return FieldError(_("Een workshopronde heeft ten minste twee workshops."))
    others = sum(len(s.workshops) for s in event.programme if s.position != position)
    if others + len(workshops) > MAX_EVENT_WORKSHOPS:
        return FieldError(
            _("Een bijeenkomst heeft ten hoogste %(max)d workshops in al haar rondes samen."), MAX_EVENT_WORKSHOPS
        )
    return None


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
    filled = (
        n
        for n in range(1, MAX_WORKSHOPS + 1)
        if any(values.get(workshop_field(n, name)) for name, _rule in WORKSHOP_ROW)
    )
    used = max(filled, default=0)
    return min(max(used + 2, 3), MAX_WORKSHOPS)


def workshops_open(values: Mapping[str, str], errors: Mapping[str, FieldError]) -> bool:
    """Whether the slot form shows its workshop rows unfolded: one of them holds something, or a message
    (the round's own among them)."""
    return ROUND in errors or any(
        values.get(workshop_field(n, name)) or workshop_field(n, name) in errors
        for n in range(1, MAX_WORKSHOPS + 1)
        for name, _rule in form_rules(Workshop)
    )


def slot_values(slot: Slot) -> dict[str, str]:
    """The slot form's values for a stored slot, a row for each of its workshops."""
    return form_values(Slot, slot)

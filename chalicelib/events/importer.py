"""Loading an organiser's event file (parsed YAML or JSON) through the workspace's own rules.

Every value is turned into what the workspace form would hold and checked by
`events/forms.py`, so a file can store nothing the form would refuse. Messages
name the event, the slot and the field, in English, because the person reading
them is an organiser at a command line. Each event is then written as the
workspace writes it: conditional on the version read, counters untouched, audited.
"""

from __future__ import annotations

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, InvalidInput
from chalicelib.core.fields import form_values
from chalicelib.core.jsontypes import JsonObject
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import themes as network_themes
from chalicelib.events import questions, workspace
from chalicelib.events.forms import clean_event, clean_slot
from chalicelib.events.model import MAX_QUESTIONS, Event, EventStatus
from chalicelib.events.parts import MAX_WORKSHOPS, Question, Slot
from chalicelib.events.questions import clean_question
from chalicelib.events.store import MAX_SLOTS, event_store

IMPORT_ACTOR = "manage.py load-events"


class InvalidEventFile(ValueError):
    pass


def _refusal(where: str, invalid: InvalidInput) -> InvalidEventFile:
    reasons = [
        f"'{name}': {gettext('en', error.msgid, max=error.max, other=error.other)}"
        for name, error in invalid.fields.items()
    ]
    return InvalidEventFile(f"{where}: " + "; ".join(reasons))


def _slot_form(data: JsonObject) -> dict[str, str]:
    """A slot as the workspace form sends it; a workshop round's workshops (`sessions` in the file) as the
    form's rows, each with the id the file gives it or else its place in the file: choices follow the id,
    so a file that reorders its workshops keeps them by naming their ids."""
    sessions = data.get("sessions") or []
    if not isinstance(sessions, list) or len(sessions) > MAX_WORKSHOPS:
        raise InvalidEventFile(f"'sessions' must be a list of at most {MAX_WORKSHOPS} workshops")
    numbered = [
        {**session, "id": session.get("id") or n} if isinstance(session, dict) else {"id": n}
        for n, session in enumerate(sessions, start=1)
    ]
    return form_values(Slot, {**data, "sessions": numbered})


def parse_event(data: JsonObject) -> Event:
    """The event and its programme, checked as the workspace checks them; InvalidEventFile otherwise."""
    where = f"event '{data.get('slug', '?')}'"
    if not data.get("slug"):
        raise InvalidEventFile(f"{where}: 'slug' is required")
    themes = data.get("themes") or []
    if not isinstance(themes, list) or not all(isinstance(t, str) and t in network_themes() for t in themes):
        raise InvalidEventFile(f"{where}: 'themes': not one of {', '.join(network_themes())}")
    try:
        event = Event(**clean_event(form_values(Event, data), new=True))
    except InvalidInput as invalid:
        raise _refusal(where, invalid) from invalid
    event.status = EventStatus.CANCELLED if data.get("cancelled") else EventStatus.PUBLISHED
    slots = data.get("programme") or []
    if not isinstance(slots, list) or len(slots) > MAX_SLOTS:
        raise InvalidEventFile(f"{where}: 'programme' must be a list of at most {MAX_SLOTS} slots")
    for position, slot in enumerate(slots, start=1):
        try:
            event.programme.append(
                clean_slot(_slot_form(slot if isinstance(slot, dict) else {}), event, position, position)
            )
        except InvalidInput as invalid:
            raise _refusal(f"{where}, slot {position}", invalid) from invalid
    event.questions = _questions(data.get("questions") or [], where)
    return event


def _questions(listed: object, where: str) -> tuple[Question, ...]:
    """The registration form's questions, numbered in the file's order, checked as the workspace checks them."""
    if not isinstance(listed, list) or len(listed) > MAX_QUESTIONS:
        raise InvalidEventFile(f"{where}: 'questions' must be a list of at most {MAX_QUESTIONS} questions")
    questions: list[Question] = []
    for number, question in enumerate(listed, start=1):
        try:
            form = form_values(Question, question if isinstance(question, dict) else {})
            questions.append(clean_question(form, None, False, number))
        except InvalidInput as invalid:
            raise _refusal(f"{where}, question {number}", invalid) from invalid
    return tuple(questions)


def load(document: JsonObject | list[JsonObject]) -> list[str]:
    """Validate every event first, then store each; returns the slugs stored."""
    items = document.get("events", []) if isinstance(document, dict) else document
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InvalidEventFile("expected a list of events, or a mapping with an 'events' list")
    parsed = [parse_event(item) for item in items]
    for event in parsed:
        try:
            event.questions, event.questions_issued = questions.carried_over(
                event_store().get(event.slug), event.questions
            )
        except Conflict as answered:
            raise InvalidEventFile(f"event '{event.slug}', questions: {gettext('en', answered.message)}") from answered
        try:
            workspace.import_event(IMPORT_ACTOR, event, clock.now())
        except InvalidInput as invalid:
            raise _refusal(f"event '{event.slug}'", invalid) from invalid
        except Conflict as conflict:
            raise InvalidEventFile(
                f"event '{event.slug}': changed by someone else meanwhile; load it again"
            ) from conflict
    return [e.slug for e in parsed]

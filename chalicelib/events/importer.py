"""Loading an organiser's event file (parsed YAML or JSON) through the workspace's own rules.

Every value is turned into what the workspace form would hold and checked by
`events/forms.py`, so a file can store nothing the form would refuse. Messages
name the event, the slot and the field, in English, because the person reading
them is an organiser at a command line. Each event is then written as the
workspace writes it: conditional on the version read, counters untouched, audited.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.core.errors import Conflict, InvalidInput
from chalicelib.core.fields import form_rules, form_value
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import THEMES
from chalicelib.events import questions, workspace
from chalicelib.events.forms import clean_event, clean_slot
from chalicelib.events.model import MAX_QUESTIONS, MAX_WORKSHOPS, Event, EventStatus
from chalicelib.events.parts import Question
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


def _event_form(data: dict[str, Any]) -> dict[str, str]:
    form: dict[str, str] = {}
    for name, rule in form_rules(Event):
        form.update(form_value(rule.kind, name, data.get(name)))
    return form


def _speaker_lines(data: dict[str, Any]) -> str:
    speakers = data.get("speakers") or []
    if not isinstance(speakers, list) or not all(isinstance(s, dict) for s in speakers):
        speakers = [{"name": "("}]  # refused below with the form's message about the speakers' format
    return "\n".join(
        f"{s.get('name', '')} ({s['organisation']})" if s.get("organisation") else str(s.get("name", ""))
        for s in speakers
    )


def _slot_form(data: dict[str, Any]) -> dict[str, str]:
    """A slot as the workspace form sends it; a workshop round's workshops (`sessions` in the file) as the form's rows."""
    form = {
        "start": str(data.get("start") or ""),
        "end": str(data.get("end") or ""),
        "title": str(data.get("title") or ""),
        "speakers": _speaker_lines(data),
    }
    sessions = data.get("sessions") or []
    if not isinstance(sessions, list) or len(sessions) > MAX_WORKSHOPS:
        raise InvalidEventFile(f"'sessions' must be a list of at most {MAX_WORKSHOPS} workshops")
    for n, session in enumerate(sessions, start=1):
        session = session if isinstance(session, dict) else {}
        form |= {
            f"workshop_{n}_id": str(session.get("id") or n),  # choices follow the id: keep it when reordering
            f"workshop_{n}_title": str(session.get("title") or ""),
            f"workshop_{n}_room": str(session.get("room") or ""),
            f"workshop_{n}_capacity": str(session.get("capacity") or ""),
            f"workshop_{n}_speakers": _speaker_lines(session),
        }
    return form


def parse_event(data: dict[str, Any]) -> Event:
    """The event and its programme, checked as the workspace checks them; InvalidEventFile otherwise."""
    where = f"event '{data.get('slug', '?')}'"
    if not data.get("slug"):
        raise InvalidEventFile(f"{where}: 'slug' is required")
    themes = data.get("themes") or []
    if not isinstance(themes, list) or not all(isinstance(t, str) and t in THEMES for t in themes):
        raise InvalidEventFile(f"{where}: 'themes': not one of {', '.join(THEMES)}")
    try:
        event = Event(**clean_event(_event_form(data), new=True))
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


def _questions(listed: Any, where: str) -> tuple[Question, ...]:
    """The registration form's questions, numbered in the file's order, checked as the workspace checks them."""
    if not isinstance(listed, list) or len(listed) > MAX_QUESTIONS:
        raise InvalidEventFile(f"{where}: 'questions' must be a list of at most {MAX_QUESTIONS} questions")
    questions: list[Question] = []
    for number, question in enumerate(listed, start=1):
        try:
            questions.append(clean_question(_question_form(question), None, False, number))
        except InvalidInput as invalid:
            raise _refusal(f"{where}, question {number}", invalid) from invalid
    return tuple(questions)


def _question_form(data: Any) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}
    options = data.get("options") or []
    return {
        "label": str(data.get("label") or ""),
        "kind": str(data.get("kind") or ""),
        "help": str(data.get("help") or ""),
        "required": "yes" if data.get("required") is True else "",
        "options": "\n".join(str(o) for o in options) if isinstance(options, list) else "",
    }


def load(document: dict[str, Any] | list[Any]) -> list[str]:
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

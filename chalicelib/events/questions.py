"""Organisers' questions on a meeting's registration form: adding, changing and removing them.

An event holds its questions in its own item (`Event.questions`), so the event page and a
registration's seat decision read them without a request of their own; the rules for answers are
in `registrations/forms.py`. A question keeps its `id` for good and a removed one's id is never
given again (`questions_issued`): answers refer to it. Once a
question is answered, it cannot be removed, its kind cannot change and its options can only grow:
the figures the registrations keep say how often each was answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from chalicelib.accounts.model import Account
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.fields import PARSERS, clean_fields, form_rules, form_values
from chalicelib.core.forms import FieldError, raise_if
from chalicelib.core.i18n import _
from chalicelib.events import workspace
from chalicelib.events.model import MAX_QUESTIONS, Event
from chalicelib.events.parts import ANSWERED, Question, QuestionAudience, QuestionKind
from chalicelib.events.store import event_store

_ID = re.compile(r"^[0-9]{1,4}$")
# the declaration's order, but the label first: it names the question
QUESTION_FORM = sorted(form_rules(Question), key=lambda field: field[0] != "label")
QUESTION_FIELDS = tuple(name for name, _rule in QUESTION_FORM)
_OPTIONS = dict(QUESTION_FORM)["options"]
_CHOOSING = (QuestionKind.CHOICE, QuestionKind.CHOICES)  # the kinds whose answers are among the options


def answered(slug: str) -> dict[int, int]:
    """How many registrations (not cancelled) answered each question, by id: from the overview's figures."""
    figures = event_store().figures(slug)
    counts: dict[int, int] = {}
    for name, count in figures.items():
        number = name.removeprefix(ANSWERED)
        if name.startswith(ANSWERED) and number.isascii() and number.isdigit() and count:
            counts[int(number)] = count
    return counts


def clean_question(form: Mapping[str, str], existing: Question | None, was_answered: bool, new_id: int) -> Question:
    """A question from the workspace form; InvalidInput with a message per field."""
    errors: dict[str, FieldError] = {}
    form = {**form, "audience": form.get("audience") or QuestionAudience.EVERYONE}  # made before it could be chosen
    values = clean_fields(Question, form, errors, skip=("options",))  # options only for the kinds that choose
    if existing is not None and was_answered and values["kind"] != existing.kind:
        errors["kind"] = FieldError(_("Deze vraag is al beantwoord: het soort vraag kan niet meer veranderen."))
    if values["kind"] in _CHOOSING:
        values["options"] = _options(form, existing.options if existing and was_answered else (), errors)
    raise_if(errors, QUESTION_FIELDS)
    return Question(id=existing.id if existing else new_id, **values)


def _options(
    form: Mapping[str, str], answered_options: tuple[str, ...], errors: dict[str, FieldError]
) -> tuple[str, ...]:
    """The choices, one per line; those already answered must stay."""
    options: tuple[str, ...] = PARSERS["options"](form, "options", _OPTIONS, errors)
    if "options" not in errors and not set(answered_options) <= set(options):
        errors["options"] = FieldError(_("Deze vraag is al beantwoord: keuzes kunnen erbij, maar niet weg of anders."))
    return options


def save(organiser: Account, slug: str, form: Mapping[str, str], question_id: int | None = None) -> Event:
    """Add a question (id None) or change one; audited, conditional on the version the form showed."""
    event = workspace.get(slug)
    workspace.expect_version(event, form)
    existing = next((q for q in event.questions if q.id == question_id), None)
    if question_id is not None and existing is None:
        raise NotFound()
    if existing is None and len(event.questions) >= MAX_QUESTIONS:
        raise Conflict(_("Een aanmeldformulier heeft ten hoogste 10 vragen."))
    was_answered = existing is not None and answered(slug).get(existing.id, 0) > 0
    question = clean_question(form, existing, was_answered, issued(event) + 1)
    before = workspace.snapshot(event)
    event.questions_issued = max(issued(event), question.id)
    event.questions = tuple(question if q.id == question.id else q for q in event.questions) + (
        () if existing else (question,)
    )
    workspace.write(organiser, event, "questions.updated" if existing else "questions.added", before)
    return event


def issued(event: Event) -> int:
    """The highest question id the event ever gave (events from before this was kept: the highest it has)."""
    return max(event.questions_issued, *(q.id for q in event.questions), 0)


def carried_over(existing: Event | None, imported: tuple[Question, ...]) -> tuple[tuple[Question, ...], int]:
    """An event file's questions against the stored event's: one with the label of a stored question
    keeps that one's id, a new one gets an id never used, and an answered one can neither go nor
    change its kind or lose an option (Conflict). The questions, and the highest id now issued."""
    if existing is None:
        return imported, len(imported)
    stored = {q.label: q for q in existing.questions}
    counts = answered(existing.slug)
    last = issued(existing)
    kept: list[Question] = []
    for question in imported:
        old = stored.get(question.label)
        if old is None:
            last += 1
            kept.append(replace(question, id=last))
            continue
        if counts.get(old.id) and (question.kind != old.kind or not set(old.options) <= set(question.options)):
            raise Conflict(_("Deze vraag is al beantwoord: het soort vraag kan niet meer veranderen."))
        kept.append(replace(question, id=old.id))
    if any(counts.get(old.id) for old in existing.questions if old.label not in {q.label for q in imported}):
        raise Conflict(_("Deze vraag is al beantwoord en kan daarom niet weg."))
    return tuple(kept), last


def remove(organiser: Account, slug: str, question_id: int, version: str) -> Event:
    """Remove a question nobody answered yet."""
    event = workspace.get(slug)
    workspace.expect_version(event, {"version": version})
    if not any(q.id == question_id for q in event.questions):
        raise NotFound()
    if answered(slug).get(question_id, 0):
        raise Conflict(_("Deze vraag is al beantwoord en kan daarom niet weg."))
    before = workspace.snapshot(event)
    event.questions = tuple(q for q in event.questions if q.id != question_id)
    workspace.write(organiser, event, "questions.removed", before)
    return event


@dataclass(frozen=True)
class Listing:
    """A meeting's own registration questions, with how many registrations answered each."""

    event: Event
    answered: dict[int, int]  # by question id, how many registrations answered it


@dataclass(frozen=True)
class Editing:
    """One question on its edit form: whether it was answered already limits what may change."""

    event: Event
    question: Question
    answered: bool
    values: dict[str, str]  # the form's values for it


def parse_id(text: str) -> int:
    """A question's id from a URL; NotFound for anything else."""
    if not _ID.match(text):  # ASCII digits only: str.isdigit() also takes "²", which int() refuses
        raise NotFound()
    return int(text)


def listing(slug: str) -> Listing:
    """The questions page: the event (one Query) and how often each was answered (the figures)."""
    return Listing(workspace.get(slug), answered(slug))


def editing(slug: str, question_id: str) -> Editing:
    event = workspace.get(slug)
    question = next((q for q in event.questions if q.id == parse_id(question_id)), None)
    if question is None:
        raise NotFound()
    values = {**form_values(Question, question), "version": str(event.version)}
    return Editing(event, question, answered(slug).get(question.id, 0) > 0, values)

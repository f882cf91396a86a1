"""The registration form's rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.core.forms import FieldError, email_address, limited_text, raise_if, text_field, whole_number
from chalicelib.core.i18n import _
from chalicelib.events.model import AttendanceMode, Event
from chalicelib.events.parts import Question, QuestionKind, workshop_key

SHORT_MAX, LONG_MAX = 200, 2000
YES, NO = "yes", "no"


@dataclass(frozen=True)
class RegistrationInput:
    """A registration as the form gave it, checked."""

    name: str
    email: str
    organisation: str
    role: str
    remarks: str = ""
    answers: dict[str, list[str]] = field(default_factory=dict)
    counted: tuple[str, ...] = ()
    attendance: AttendanceMode = AttendanceMode.ON_SITE
    workshops: dict[str, int] = field(default_factory=dict)


def clean_registration(
    data: Mapping[str, str],
    roles: tuple[str, ...],
    questions: tuple[Question, ...] = (),
    modes: tuple[AttendanceMode, ...] = (AttendanceMode.ON_SITE,),
    rounds: Event | None = None,
) -> RegistrationInput:
    """Return the cleaned input, or raise InvalidInput with a message per field. `rounds`: the event
    whose workshop rounds ask a choice, given when the registration would take a seat on location."""
    errors: dict[str, FieldError] = {}
    name = limited_text(data, "name", errors)
    email = limited_text(data, "email", errors)
    organisation = limited_text(data, "organisation", errors)
    role = limited_text(data, "role", errors, required=not roles)
    remarks = limited_text(data, "remarks", errors, required=False)
    email = email_address(email, errors)
    if roles and "role" not in errors and role not in roles:
        errors["role"] = FieldError(_("Kies een van de genoemde functies."))
    attendance = _attendance(data, modes, errors)
    # a question for the other way of taking part is neither required nor kept: the drinks are nothing to an online seat
    questions = tuple(q for q in questions if q.asks(attendance))
    answers = {str(q.id): given for q in questions if (given := _answer(data, q, errors))}
    on_site = attendance == AttendanceMode.ON_SITE
    workshops = workshop_choices(data, rounds, errors) if rounds is not None and on_site else {}
    if data.get("consent") != "yes":
        errors["consent"] = FieldError(_("Geef toestemming om uw gegevens voor deze bijeenkomst te gebruiken."))
    fields = (
        "name",
        "email",
        "organisation",
        "role",
        "attendance",
        *(f"round_{position}" for position in (rounds.round_positions if rounds else ())),
        "remarks",
        *(q.field for q in questions),
        "consent",
    )
    raise_if(errors, fields)
    counted = tuple(
        name
        for q in questions
        if str(q.id) in answers
        for name in (q.figure, *(q.option_figure(a) for a in answers[str(q.id)] if q.counts_options))
    )
    return RegistrationInput(name, email, organisation, role, remarks, answers, counted, attendance, workshops)


def workshop_choices(
    data: Mapping[str, str], event: Event, errors: dict[str, FieldError], held: Mapping[str, int] | None = None
) -> dict[str, int]:
    """A workshop in each round (`round_{position}`: a workshop id), with a seat left in it, or a
    message in `errors`. `held`: the choices someone has already, whose seats count as theirs."""
    held = held or {}
    chosen: dict[str, int] = {}
    for position in event.round_positions:
        name = f"round_{position}"
        if str(position) not in held and not event.round_has_places(position):
            continue  # every workshop is full: the seat on location is given without one
        value = whole_number(data.get(name, ""))
        key = workshop_key(position, value or 0)
        if value is None:
            errors[name] = FieldError(_("Kies een workshop."))
        elif key not in event.workshop_seats:
            errors[name] = FieldError(_("Kies een van de genoemde workshops."))
        elif held.get(str(position)) != value and not event.workshop_places_left(position, value):
            errors[name] = FieldError(_("Deze workshop is vol. Kies een andere."))
        else:
            chosen[str(position)] = value
    return chosen


def _attendance(
    data: Mapping[str, str], modes: tuple[AttendanceMode, ...], errors: dict[str, FieldError]
) -> AttendanceMode:
    """On location or online: the attendee's choice when the meeting offers both, else the one it offers."""
    value = data.get("attendance", "")
    if value and value not in modes:
        errors["attendance"] = FieldError(_("Kies een van de genoemde mogelijkheden."))
    elif len(modes) > 1 and not value:
        errors["attendance"] = FieldError(_("Kies of u op locatie of online deelneemt."))
    return AttendanceMode(value) if value in modes else modes[0]


def _answer(data: Mapping[str, str], question: Question, errors: dict[str, FieldError]) -> list[str]:
    """One question's answer (a list: several for CHOICES), or a message in `errors`."""
    name = question.field
    if question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
        long = question.kind == QuestionKind.LONG
        text = text_field(data, name, errors, LONG_MAX if long else SHORT_MAX, multiline=long, required=False)
        given = [text] if text and name not in errors else []
    elif question.kind == QuestionKind.CHOICES:
        # the page sends a checkbox per option; the JSON API the chosen options, one per line
        listed = list(dict.fromkeys(line for line in data.get(name, "").split("\n") if line))
        if any(line not in question.options for line in listed):
            errors[name] = FieldError(_("Kies een van de genoemde mogelijkheden."))
        ticked = [option for i, option in enumerate(question.options) if data.get(f"{name}_{i}") == "yes"]
        given = [line for line in listed if line in question.options] or ticked
    else:
        value = data.get(name, "")
        allowed = question.options if question.kind == QuestionKind.CHOICE else (YES, NO)
        if value and value not in allowed:
            errors[name] = FieldError(_("Kies een van de genoemde mogelijkheden."))
        given = [value] if value in allowed else []
    if question.required and not given and name not in errors:
        errors[name] = FieldError(_("Beantwoord deze vraag."))
    return given

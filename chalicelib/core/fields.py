"""Editable fields declared on an entity, and everything derived from the declaration.

An entity marks a field `editable(label, kind, ...)`. From that one line follow:
the form's parsing and messages (`clean_fields`), the form's values for a stored
entity or for an event file's mapping of one (`form_values`, so that an import
passes through the very same parsing), and the JSON the API shows and its OpenAPI
schema (`core/api_fields.py`). A field the API shows but nobody edits says so with
`shown()` in its metadata. Templates render the form from `form_rules` with one
macro per kind.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar, cast

from chalicelib.core import themes
from chalicelib.core.config import TIMEZONE
from chalicelib.core.entity import field_types, plain
from chalicelib.core.forms import FieldError, text_field, whole_number
from chalicelib.core.i18n import _

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# someone named on a line of their own: "Naam (Organisatie)"
PERSON = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<organisation>[^()]*)\))?$")
LINE_MAX = 100

_Moment = TypeVar("_Moment", date, datetime)

LIMITED = ("text", "textarea", "slug", "lines", "number", "url", "speakers", "options", "rows")
# a field that is not an attribute of the stored item (kept in the key, or read alongside)
kept_out = {"stored": False}


class Api(StrEnum):
    SUMMARY = "summary"  # in lists and on the single item
    DETAIL = "detail"  # on the single item only


@dataclass(frozen=True)
class FormRule:
    """How an organiser edits a field. `limit`: characters, lines, rows or the largest number, by kind."""

    label: str  # msgid
    # text | textarea | slug | date | time | number | datetime | lines | themes | checkbox | url: a value as typed;
    # speakers: "Naam (Organisatie)" lines | options: two or more choices, one a line | choice: one of an enum |
    # rows: entities of their own, one row of fields each (see `row_prefix`) | id: a row's id, carried back unseen
    kind: str
    limit: int = 0
    required: bool = False
    hint: str = ""  # msgid
    invalid: str = ""  # msgid: what a choice field says of a value that is none of its choices
    value_type: Any = None  # the field's type, as `form_rules` gives the rule


def shown(api: Api = Api.SUMMARY, *, description: str = "") -> dict[str, object]:
    """The metadata of a field the JSON API shows that organisers do not edit (an id the portal gives).

    `description` says in the OpenAPI schema what the field means to a client.
    """
    return {"api": api, "description": description}


def editable(
    label: str,
    kind: str = "text",
    *,
    limit: int = 0,
    required: bool = False,
    hint: str = "",
    invalid: str = "",
    api: Api | None = None,
    json_name: str = "",
    description: str = "",
    default: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field that organisers edit; `api` says where the JSON API shows it.

    Kinds that are limited (text, textarea, slug, lines, number, ...) must say their limit, and a choice
    what it says of anything else. `json_name` is the name the API and an event file give the field,
    where it is not the field's own; `description` is what the OpenAPI schema says of it.
    """
    if kind in LIMITED and limit <= 0:
        raise ValueError(f"an editable {kind} field needs a limit")
    if kind == "choice" and not invalid:
        raise ValueError("an editable choice field needs its message for a value that is none of its choices")
    rule = FormRule(label, kind, limit, required, hint, invalid)
    metadata = {"form": rule, "api": api, "json_name": json_name, "description": description}
    return dataclasses.field(default=default, metadata=metadata)


@cache
def form_rules(cls: type) -> tuple[tuple[str, FormRule], ...]:
    """The editable fields in declaration order, which is the form's order, each rule with its field's type."""
    types = field_types(cls)
    return tuple(
        (f.name, dataclasses.replace(f.metadata["form"], value_type=types[f.name]))
        for f in dataclasses.fields(cls)
        if "form" in f.metadata
    )


@cache
def json_names(cls: type) -> dict[str, str]:
    """Each field's name in the API and in an event file: its own, or the one its declaration gives."""
    return {f.name: f.metadata.get("json_name") or f.name for f in dataclasses.fields(cls)}


def row_prefix(name: str, n: int) -> str:
    """The start of the form fields of row `n` of a rows field: `workshops` has workshop_{n}_{field}."""
    return f"{name.removesuffix('s')}_{n}_"


def _element(rule: FormRule) -> Any:
    """The type of one item of a field that holds several (a speaker, a workshop)."""
    return typing.get_args(rule.value_type)[0]


# -- parsing a form ------------------------------------------------------------

Parser = Callable[[Mapping[str, str], str, FormRule, dict[str, FieldError]], Any]  # what a kind parses to


def _text(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> str:
    return text_field(form, name, errors, rule.limit, multiline=rule.kind == "textarea", required=rule.required)


def _url(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> str:
    value = text_field(form, name, errors, rule.limit, required=rule.required)
    if value and name not in errors and (not value.startswith("https://") or len(value) < 12 or " " in value):
        errors[name] = FieldError(_("Vul een volledige link in die begint met https://."))
    return value


def _slug(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> str:
    value = form.get(name, "").strip().lower()
    if value and (not SLUG.match(value) or len(value) > rule.limit):
        errors[name] = FieldError(_("Alleen kleine letters, cijfers en losse streepjes, ten hoogste 80 tekens."))
    return value


def _iso(
    form: Mapping[str, str],
    name: str,
    rule: FormRule,
    errors: dict[str, FieldError],
    parse: Callable[[str], _Moment],
    message: str,
) -> _Moment | None:
    """A date or a moment written the ISO way (as a browser's date and time inputs send it); None when left
    empty where it may be, or, with `message` as the field's error, when it cannot be read."""
    raw = form.get(name, "").strip()
    if not raw and not rule.required:
        return None
    try:
        return parse(raw)
    except ValueError:
        errors[name] = FieldError(message)
        return None


def _date(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> date | None:
    return _iso(form, name, rule, errors, date.fromisoformat, _("Vul een datum in als 2027-09-18."))


def _time(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> str:
    value = form.get(name, "").strip()
    if (value or rule.required) and not TIME.match(value):
        errors[name] = FieldError(_("Vul een tijd in als 13:30."))
    return value


def _number(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> int:
    if not form.get(name, "").strip():
        if rule.required:  # never a default the organiser did not choose
            errors[name] = FieldError(_("Dit veld is verplicht."))
        return 0
    value = whole_number(form.get(name, ""))
    if value is None or value > rule.limit:
        errors[name] = FieldError(_("Vul een heel getal in van 0 tot en met %(max)d."), rule.limit)
        return 0
    return value


def _datetime(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> datetime | None:
    example = _("Vul een datum en tijd in, bijvoorbeeld 2027-09-18T09:00.")
    moment = _iso(form, name, rule, errors, datetime.fromisoformat, example)
    if moment is None:
        return None
    # a form sends local time; an import file may name its offset, which is kept
    return moment.astimezone(TIMEZONE) if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)


def _lines(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> tuple[str, ...]:
    """At most `limit` distinct lines of 100 characters: the whole text is checked first, then each line."""
    text = text_field(form, name, errors, limit=rule.limit * (LINE_MAX + 1), multiline=True, required=rule.required)
    lines = tuple(dict.fromkeys(" ".join(line.split()) for line in text.splitlines() if line.strip()))
    if name not in errors and (len(lines) > rule.limit or any(len(line) > LINE_MAX for line in lines)):
        errors[name] = FieldError(_("Ten hoogste %(max)d regels van elk 100 tekens."), rule.limit)
    return lines


def _speakers(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> tuple[object, ...]:
    """Lines as for `lines`, each "Naam (Organisatie)" made into the field's item (a speaker)."""
    person = _element(rule)
    people = []
    for line in _lines(form, name, rule, errors):
        match = PERSON.match(line)
        if match is None:
            errors[name] = FieldError(_("Schrijf elke spreker als Naam (Organisatie), één per regel."))
            return ()
        people.append(person(match["name"], (match["organisation"] or "").strip()))
    return tuple(people)


def _options(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> tuple[str, ...]:
    """Two to `limit` distinct choices, one a line, of 100 characters each: trimmed, and otherwise kept as typed."""
    text = text_field(form, name, errors, rule.limit * (LINE_MAX + 1), multiline=True, required=rule.required)
    options = tuple(dict.fromkeys(line.strip() for line in text.split("\n") if line.strip()))
    if name in errors:
        return options
    if not 2 <= len(options) <= rule.limit:
        errors[name] = FieldError(_("Geef 2 tot %(max)d keuzes, één per regel."), max=rule.limit)
    elif any(len(option) > LINE_MAX for option in options):
        errors[name] = FieldError(_("Elke keuze is ten hoogste %(max)d tekens."), max=LINE_MAX)
    return options


def _choice(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> object:
    """One of the field's enum by its value; anything else is refused, and read as the first of them."""
    choices = rule.value_type
    value = form.get(name, "")
    if value in tuple(choices):
        return choices(value)
    errors[name] = FieldError(rule.invalid)
    return next(iter(choices))


def _id(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> int:
    """A row's id as the form sent it back, or 0 for a row without one: its entity then gets a new id."""
    return whole_number(form.get(name, "")) or 0


def _themes(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> tuple[str, ...]:
    return themes.chosen(form)


def _checkbox(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> bool:
    return form.get(name) == "yes"


# rows have no parser of their own: the entity that holds them reads each row with `clean_fields` (and
# `row_prefix`), as only it knows what ties its rows to the rest (a workshop's seats already taken)
PARSERS: dict[str, Parser] = {
    "text": _text,
    "textarea": _text,
    "slug": _slug,
    "date": _date,
    "time": _time,
    "number": _number,
    "url": _url,
    "datetime": _datetime,
    "lines": _lines,
    "themes": _themes,
    "checkbox": _checkbox,
    "speakers": _speakers,
    "options": _options,
    "choice": _choice,
    "id": _id,
}


def clean_fields(
    cls: type, form: Mapping[str, str], errors: dict[str, FieldError], skip: tuple[str, ...] = (), prefix: str = ""
) -> dict[str, Any]:
    """Every editable field of `cls` parsed from the form; a message per bad field goes into `errors`.

    `prefix` reads a row of a rows field (see `row_prefix`): its fields and messages carry it.
    """
    return {
        name: PARSERS[rule.kind](form, prefix + name, rule, errors)
        for name, rule in form_rules(cls)
        if name not in skip
    }


# -- values for a form ---------------------------------------------------------


def _people_lines(value: object) -> str:
    """Stored speakers, or an event file's list of mappings with a name and an organisation, as lines."""
    people = plain(value or [])
    if not isinstance(people, list) or not all(isinstance(person, dict) for person in people):
        return "("  # no list of people: a line the parser refuses with its message about the format
    return "\n".join(
        f"{p.get('name', '')} ({p['organisation']})" if p.get("organisation") else str(p.get("name", ""))
        for p in people
    )


def _rows_values(name: str, rule: FormRule, rows: object) -> dict[str, str]:
    """Each row's entity (or an event file's mapping of one) as the fields of its row."""
    values: dict[str, str] = {}
    for n, row in enumerate(cast("Iterable[object]", rows), start=1):  # a stored tuple, or a file's list
        is_entity = dataclasses.is_dataclass(row) and not isinstance(row, type)
        values |= form_values(_element(rule), row if is_entity or isinstance(row, Mapping) else {}, row_prefix(name, n))
    return values


def _boxes(name: str, rule: FormRule, value: object) -> dict[str, str]:
    return themes.boxes(cast("Iterable[str]", value))  # stored themes, or a file's list of them


def _checked(name: str, rule: FormRule, value: object) -> dict[str, str]:
    return {name: "yes" if value is True else ""}


def _people(name: str, rule: FormRule, value: object) -> dict[str, str]:
    return {name: _people_lines(value)}


# the kinds whose value the form holds other than as its text
_HELD: dict[str, Callable[[str, FormRule, object], dict[str, str]]] = {
    "rows": _rows_values,
    "themes": _boxes,
    "checkbox": _checked,
    "speakers": _people,
}


def _form_value(name: str, rule: FormRule, value: object) -> dict[str, str]:
    """A value as the form holds it (text under the field's name; themes as one box each, rows as rows).

    Takes stored values and the looser values of an import file alike (a YAML date, a list of lines).
    """
    if value is None:
        return {}
    if rule.kind in _HELD:
        return _HELD[rule.kind](name, rule, value)
    if rule.kind in ("lines", "options") and isinstance(value, (list, tuple)):
        return {name: "\n".join(str(line) for line in value)}
    if rule.kind == "datetime" and isinstance(value, datetime):
        local = value.astimezone(TIMEZONE) if value.tzinfo else value
        return {name: local.strftime("%Y-%m-%dT%H:%M")}
    if isinstance(value, date):
        return {name: value.isoformat()}
    return {name: str(value)}


def form_values(cls: type, source: object, prefix: str = "") -> dict[str, str]:
    """The form's values for a stored entity of `cls`, or for an event file's mapping of one (by the
    names the API gives its fields), so that an import passes through the very same parsing."""
    names = json_names(cls)
    values: dict[str, str] = {}
    for name, rule in form_rules(cls):
        value = source.get(names[name]) if isinstance(source, Mapping) else getattr(source, name)
        values.update(_form_value(prefix + name, rule, value))
    return values

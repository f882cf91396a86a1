"""Editable fields declared on an entity, and everything derived from the declaration.

An entity marks a field `editable(label, kind, ...)`. From that one line follow:
the form's parsing and messages (`clean_fields`), the form's values for a stored
entity (`form_values`, also used to feed an import through the same rules), the
JSON the API shows (`json_fields`) and its OpenAPI schema (`schema_properties`).
Templates render the form from `form_rules` with one macro per kind.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from chalicelib.core import themes
from chalicelib.core.config import TIMEZONE
from chalicelib.core.entity import field_types, plain
from chalicelib.core.forms import FieldError, text_field, whole_number
from chalicelib.core.i18n import _

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_MAX = 100

LIMITED = ("text", "textarea", "slug", "lines", "number", "url")
# a field that is not an attribute of the stored item (kept in the key, or read alongside)
kept_out = {"stored": False}


class Api(StrEnum):
    SUMMARY = "summary"  # in lists and on the single item
    DETAIL = "detail"  # on the single item only


@dataclass(frozen=True)
class FormRule:
    """How an organiser edits a field. `limit`: characters, lines or the largest number, by kind."""

    label: str  # msgid
    kind: str  # text | textarea | slug | date | time | number | datetime | lines | themes | checkbox | url
    limit: int = 0
    required: bool = False
    hint: str = ""  # msgid


def editable(
    label: str,
    kind: str = "text",
    *,
    limit: int = 0,
    required: bool = False,
    hint: str = "",
    api: Api | None = None,
    default: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field that organisers edit; `api` says where the JSON API shows it.

    Kinds that are limited (text, textarea, slug, lines, number) must say their limit.
    """
    if kind in LIMITED and limit <= 0:
        raise ValueError(f"an editable {kind} field needs a limit")
    metadata = {"form": FormRule(label, kind, limit, required, hint), "api": api}
    return dataclasses.field(default=default, metadata=metadata)


def form_rules(cls: type) -> list[tuple[str, FormRule]]:
    """The editable fields in declaration order, which is the form's order."""
    return [(f.name, f.metadata["form"]) for f in dataclasses.fields(cls) if "form" in f.metadata]


# -- parsing a form ------------------------------------------------------------

Parser = Callable[[Mapping[str, str], str, FormRule, dict[str, FieldError]], Any]


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


def _date(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> date | None:
    raw = form.get(name, "").strip()
    if not raw and not rule.required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = FieldError(_("Vul een datum in als 2027-09-18."))
        return None


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
    raw = form.get(name, "").strip()
    if not raw and not rule.required:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        errors[name] = FieldError(_("Vul een datum en tijd in, bijvoorbeeld 2027-09-18T09:00."))
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


def _themes(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> tuple[str, ...]:
    return themes.chosen(form)


def _checkbox(form: Mapping[str, str], name: str, rule: FormRule, errors: dict[str, FieldError]) -> bool:
    return form.get(name) == "yes"


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
}


def clean_fields(
    cls: type, form: Mapping[str, str], errors: dict[str, FieldError], skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every editable field of `cls` parsed from the form; a message per bad field goes into `errors`."""
    return {name: PARSERS[rule.kind](form, name, rule, errors) for name, rule in form_rules(cls) if name not in skip}


# -- values for a form ---------------------------------------------------------


def form_value(kind: str, name: str, value: Any) -> dict[str, str]:
    """A value as the form holds it (text under the field's name; themes as one box each).

    Takes stored values and the looser values of an import file alike (a YAML date,
    a list of lines), so an import passes through the very same parsing.
    """
    if value is None:
        return {}
    if kind == "themes":
        return themes.boxes(value)
    if kind == "checkbox":
        return {name: "yes" if value is True else ""}
    if kind == "lines" and isinstance(value, (list, tuple)):
        return {name: "\n".join(str(line) for line in value)}
    if kind == "datetime" and isinstance(value, datetime):
        local = value.astimezone(TIMEZONE) if value.tzinfo else value
        return {name: local.strftime("%Y-%m-%dT%H:%M")}
    if isinstance(value, date):
        return {name: value.isoformat()}
    return {name: str(value)}


def form_values(entity: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, rule in form_rules(type(entity)):
        values.update(form_value(rule.kind, name, getattr(entity, name)))
    return values


# -- the JSON API --------------------------------------------------------------


def _shown(field: dataclasses.Field[Any], detail: bool) -> bool:
    api = field.metadata.get("api")
    return api == Api.SUMMARY or (detail and api == Api.DETAIL)


def json_fields(entity: Any, detail: bool) -> dict[str, Any]:
    return {f.name: plain(getattr(entity, f.name)) for f in dataclasses.fields(entity) if _shown(f, detail)}


def _schema(kind: Any) -> dict[str, Any]:
    origin = typing.get_origin(kind)
    if origin in (tuple, list):
        return {"type": "array", "items": _schema(typing.get_args(kind)[0])}
    if kind is int:
        return {"type": "integer"}
    if kind is bool:
        return {"type": "boolean"}
    if kind is date:
        return {"type": "string", "format": "date"}
    if kind is datetime:
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def schema_properties(cls: type, detail: bool) -> dict[str, Any]:
    """OpenAPI properties of the fields `json_fields` shows, with the form's limits and labels."""
    hints = field_types(cls)
    properties: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if not _shown(field, detail):
            continue
        schema = _schema(hints[field.name])
        rule: FormRule = field.metadata["form"]
        if rule.kind in ("text", "textarea", "slug") and rule.limit:
            schema["maxLength"] = rule.limit
        elif rule.kind == "time":
            schema["pattern"] = TIME.pattern
        properties[field.name] = schema
    return properties

"""What the JSON API shows of a declared entity (core/fields.py), and its OpenAPI schema.

A field's metadata says where the API shows it (`Api`), under which name and with which
description; its form's rule adds the limits to its schema. An entity inside another is
shown by its own declaration and described by the component schema of its own name.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from datetime import date, datetime
from typing import TYPE_CHECKING

from chalicelib.core.entity import field_types, plain
from chalicelib.core.fields import LINE_MAX, TIME, Api, FormRule, json_names
from chalicelib.core.jsontypes import JsonObject

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _shown(field: dataclasses.Field[object], detail: bool) -> bool:
    api = field.metadata.get("api")
    return api == Api.SUMMARY or (detail and api == Api.DETAIL)


def _json(value: object, detail: bool) -> object:
    """A value as the API shows it: an entity inside another by its own declaration."""
    if isinstance(value, (tuple, list)):
        return [_json(v, detail) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_fields(value, detail)
    return plain(value)


def json_fields(entity: DataclassInstance, detail: bool) -> JsonObject:
    """The fields the entity's declaration shows in the API (on a single item also those of `Api.DETAIL`)."""
    kind: type = type(entity)
    names = json_names(kind)
    return {
        names[f.name]: _json(getattr(entity, f.name), detail) for f in dataclasses.fields(entity) if _shown(f, detail)
    }


_SCALARS: dict[object, dict[str, str]] = {
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
}


def _schema(kind: object) -> JsonObject:
    """The schema of a type; an entity is the component schema of its own name."""
    if typing.get_origin(kind) in (tuple, list):
        return {"type": "array", "items": _schema(typing.get_args(kind)[0])}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return {"$ref": f"#/components/schemas/{kind.__name__}"}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"type": "string", "enum": [member.value for member in kind]}
    return dict(_SCALARS.get(kind, {"type": "string"}))


def _time_limits(rule: FormRule) -> JsonObject:
    """A time as the form takes it; an optional one may be empty (a slot that is a moment has no end)."""
    pattern = TIME.pattern if rule.required else f"^(?:{TIME.pattern.strip('^$')})?$"
    return {"pattern": pattern, "example": "13:30"}


def _limits(rule: FormRule) -> JsonObject:
    """What the form's rule promises of a value, in JSON Schema's words."""
    if rule.kind in ("text", "textarea", "slug"):
        return {"maxLength": rule.limit}
    if rule.kind == "time":
        return _time_limits(rule)
    if rule.kind == "number":
        return {"minimum": 0, "maximum": rule.limit}
    if rule.kind in ("lines", "options"):
        return {"maxItems": rule.limit, "items": {"type": "string", "maxLength": LINE_MAX}}
    if rule.kind in ("speakers", "rows"):
        return {"maxItems": rule.limit}
    return {}


def _property(field: dataclasses.Field[object], kind: object) -> JsonObject:
    rule: FormRule | None = field.metadata.get("form")
    schema = _schema(kind) | (_limits(rule) if rule else {})
    if field.metadata.get("description"):
        schema["description"] = field.metadata["description"]
    return schema


def schema_properties(cls: type, detail: bool) -> JsonObject:
    """OpenAPI properties of the fields `json_fields` shows, with the limits of their form's rules."""
    hints = field_types(cls)
    names = json_names(cls)
    return {names[f.name]: _property(f, hints[f.name]) for f in dataclasses.fields(cls) if _shown(f, detail)}

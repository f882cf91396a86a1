"""Entities declared once: a dataclass's field types say how each field is stored.

`attributes(entity)` gives the plain values of a DynamoDB item (dates as ISO
text, tuples as lists, nested dataclasses as maps, enums as their value) and
`from_attributes(cls, item)` reads them back by the same types. An entity's
`to_item` adds only its keys; a new field needs no mapping code of its own. A field declared
with `metadata={"stored": False}` (a programme read with its event, say) is
left out of the item.

The low-level client's type descriptors ({"S": ...}) are made in
`core/dynamo.py`, the one other place that knows them.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import Item

T = TypeVar("T")


def is_stored(field: dataclasses.Field[object]) -> bool:
    return bool(field.metadata.get("stored", True))


@cache
def field_types(cls: type) -> dict[str, Any]:
    """The resolved types of the fields that are stored, declared editable or shown in the API.

    Resolved one by one: a field kept out of the item may name a type that is
    imported only for the type checker (an event's materials).
    """
    namespace = vars(sys.modules[cls.__module__])
    return {
        f.name: eval(f.type, namespace) if isinstance(f.type, str) else f.type  # noqa: S307 (the class's own annotations)
        for f in dataclasses.fields(cls)
        if is_stored(f) or "form" in f.metadata or "api" in f.metadata
    }


def plain(value: object) -> object:
    """A Python value as an item or JSON holds it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return attributes(value)
    return value


def attributes(entity: object) -> Item:
    """The stored fields of a dataclass as plain values; None is left out (DynamoDB has no empty value)."""
    item: Item = {}
    kind: type = type(entity)
    for name in _stored_names(kind):
        value = getattr(entity, name)
        if value is not None:
            item[name] = plain(value)
    return item


Reader = Callable[[Any], object]  # from a stored value, which the item holds as Any


def _moment(text: str) -> datetime:
    """A stored moment, on the network's clock as the portal made it (`clock.now`, forms and imports
    in TIMEZONE): read with the stored offset alone, a moment in the hour that repeats when summer
    time ends would never equal the one it was written from (PEP 495)."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(TIMEZONE) if moment.tzinfo else moment


_SCALARS: dict[object, Reader] = {datetime: _moment, date: date.fromisoformat, bool: bool, int: int}


def _identity(value: object) -> object:
    return value


def _reader(kind: object) -> Reader:
    """How to read an attribute of this type, worked out once per field rather than on every read."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):  # `X | None`: None is simply absent
        (kind,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _reader(kind)
    if origin in (tuple, list):
        inner = _reader(typing.get_args(kind)[0])
        if origin is tuple:
            return lambda values: tuple(inner(v) for v in values)
        return lambda values: [inner(v) for v in values]
    if kind in _SCALARS:
        return _SCALARS[kind]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return lambda value: from_attributes(kind, value)
    return _identity


@cache
def _stored_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if is_stored(f))


@cache
def _readers(cls: type) -> tuple[tuple[str, Reader], ...]:
    types_ = field_types(cls)
    return tuple((name, _reader(types_[name])) for name in _stored_names(cls))


def from_attributes(cls: type[T], item: Item, **derived: object) -> T:
    """An entity from its item's attributes; `derived` gives fields kept in its key, not as attributes.

    A missing attribute takes the field's default where it has one; fields without a
    default are written with every item.
    """
    values = dict(derived)
    for name, read in _readers(typing.cast(type, cls)):
        if name not in values and item.get(name) is not None:
            values[name] = read(item[name])
    return cls(**values)

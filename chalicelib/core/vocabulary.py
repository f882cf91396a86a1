"""How the portal's states and roles read: each enum registers its words where it is declared.

A template compares with the enum (`event.status == EventStatus.DRAFT`, never a bare "draft") and
shows a value with `label(value)`; the words are msgids, translated where they are shown. An enum
says once, beside its members, that templates may use it and how its values read:

    words(EventStatus, {EventStatus.DRAFT: _("Concept"), ...})

`core/rendering.py` hands every registered enum and `label` to the templates (a live view: an enum
registered after the first page was rendered is there too), and `mypy --strict` keeps a plain
string from taking an enum's place in the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

# by name, as templates write them
ENUMS: dict[str, type[StrEnum]] = {}
_LABELS: dict[type[StrEnum], Mapping[str, str]] = {}


def words(enum: type[E], labels: Mapping[E, str] | None = None) -> None:
    """Let templates use `enum`, and say how its values read (msgids); every value needs a label."""
    ENUMS[enum.__name__] = enum
    if labels is not None:
        missing = set(enum) - set(labels)
        if missing:
            raise ValueError(f"{enum.__name__} without a label: {sorted(missing)}")
        _LABELS[enum] = {str(value): msgid for value, msgid in labels.items()}


def label_of(value: StrEnum) -> str:
    """The msgid of an enum value's words."""
    return _LABELS[type(value)][value]

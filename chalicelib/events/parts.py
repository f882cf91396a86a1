"""The parts a meeting holds inside it: its programme (slots, their speakers, a round's parallel
workshops) and the questions of its registration form. Each is stored inside the event's partition
(a slot as an item of its own, the questions in the event's item) and read with the event.

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / #SLOT#{nnn}       a programme slot, with its speakers and workshops
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.i18n import _
from chalicelib.core.keys import SLOT_PREFIX, event_pk, slot_sk
from chalicelib.core.vocabulary import words

MAX_OPTIONS = 12


@dataclass(frozen=True)
class Speaker:
    """Someone named in the programme, with their organisation."""

    name: str
    organisation: str = ""


def workshop_key(position: int, workshop_id: int) -> str:
    """A workshop's name in the event's seat maps: its round's slot position and its own id."""
    return f"{position}-{workshop_id}"


@dataclass(frozen=True)
class Workshop:
    """One of a workshop round's parallel workshops, with seats of its own. Its id names attendees' choices
    (a workshop someone chose is never removed, so no choice ever points at another)."""

    id: int
    title: str
    capacity: int
    room: str = ""
    speakers: tuple[Speaker, ...] = ()


@dataclass(frozen=True)
class Slot:
    """One item of a meeting's programme: a talk, a break, or a round of workshops."""

    # `position` names the slot for good (speakers and slides refer to it; it is in the key); `order` is where it is shown
    position: int = field(metadata=kept_out)
    start: str  # "HH:MM", local time
    end: str
    title: str
    speakers: tuple[Speaker, ...] = ()
    order: int = 0
    workshops: tuple[Workshop, ...] = ()  # a workshop round: attendees on location choose one

    @property
    def field(self) -> str:
        """The registration form's field for a round's choice."""
        return f"round_{self.position}"

    @property
    def presenters(self) -> tuple[Speaker, ...]:
        """Who speaks in this slot: its own speakers and, in a round, its workshops', each once."""
        return tuple(dict.fromkeys((*self.speakers, *(p for s in self.workshops for p in s.speakers))))

    def key_of(self, workshop: Workshop) -> str:
        return workshop_key(self.position, workshop.id)

    def to_item(self, slug: str) -> dict[str, Any]:
        item = {"PK": event_pk(slug), "SK": slot_sk(self.position), "type": "slot", **attributes(self)}
        item["order"] = self.order or self.position
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Slot:
        position = int(item["SK"].removeprefix(SLOT_PREFIX))
        slot = from_attributes(cls, item, position=position)
        return slot


ANSWERED = "answer#"  # the start of the figures that count answers to the form's questions


class QuestionKind(StrEnum):
    SHORT = "short"  # a line of text
    LONG = "long"  # a few lines
    CHOICE = "choice"  # one of the options
    CHOICES = "choices"  # any of the options
    YES_NO = "yesno"


words(
    QuestionKind,
    {
        QuestionKind.SHORT: _("Korte tekst"),
        QuestionKind.LONG: _("Lange tekst"),
        QuestionKind.CHOICE: _("Eén keuze"),
        QuestionKind.CHOICES: _("Meer keuzes"),
        QuestionKind.YES_NO: _("Ja of nee"),
    },
)


@dataclass(frozen=True)
class Question:
    """A question of a meeting's registration form. Its id names its answers for good."""

    id: int
    kind: QuestionKind
    label: str
    help: str = ""
    required: bool = False
    options: tuple[str, ...] = ()  # for CHOICE and CHOICES

    @property
    def field(self) -> str:
        """The form field (or, for CHOICES, the start of one per option: `{field}_{index}`)."""
        return f"answer_{self.id}"

    @property
    def figure(self) -> str:
        """The name of the event's figure that counts who answered it (the registrations keep it)."""
        return f"{ANSWERED}{self.id}"

    def option_figure(self, answer: str) -> str:
        """The figure that counts one of its fixed answers (never free text)."""
        return f"{self.figure}#{answer}"

    @property
    def counts_options(self) -> bool:
        """Whether the overview counts each answer given (the kinds with fixed answers), not only how many answered."""
        return self.kind in (QuestionKind.CHOICE, QuestionKind.CHOICES, QuestionKind.YES_NO)

"""The parts a meeting holds inside it: its programme (slots, their speakers, a round's parallel
workshops) and the questions of its registration form. Each is stored inside the event's partition
(a slot as an item of its own, the questions in the event's item) and read with the event.

Each is declared once, as `Event` is: the workspace's forms, the import, the JSON API and its
OpenAPI schema follow from the fields' `editable(...)` and `shown()` (see `core/fields.py`).

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / #SLOT#{nnn}       a programme slot, with its speakers and workshops
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import Api, editable, kept_out, shown
from chalicelib.core.i18n import _
from chalicelib.core.keys import SLOT_PREFIX, event_pk, slot_sk
from chalicelib.core.vocabulary import words

CAPACITY_MAX = 5000  # seats of one kind: an event's on location or online, a workshop's
MAX_WORKSHOPS = 8  # parallel workshops in one round
SPEAKERS_MAX = 10  # in one slot, and in one workshop
MAX_OPTIONS = 12


@dataclass(frozen=True)
class Speaker:
    """Someone named in the programme, with their organisation."""

    name: str = field(metadata=shown())
    organisation: str = field(default="", metadata=shown())


def _speakers() -> Any:
    """The speakers field of a slot and of a workshop: the same form row, validation and API property."""
    return editable(
        _("Sprekers"),
        "speakers",
        limit=SPEAKERS_MAX,
        hint=_("Eén per regel, als Naam (Organisatie)."),
        api=Api.SUMMARY,
        default=(),
    )


def workshop_key(position: int, workshop_id: int) -> str:
    """A workshop's name in the event's seat maps: its round's slot position and its own id."""
    return f"{position}-{workshop_id}"


@dataclass(frozen=True)
class Workshop:
    """One of a workshop round's parallel workshops, with seats of its own. Its id names attendees' choices
    (a workshop someone chose is never removed, so no choice ever points at another)."""

    # a row of the slot form carries it back unseen, so that an edit keeps each workshop's id
    id: int = editable("", "id", api=Api.SUMMARY)
    title: str = editable(_("Titel"), limit=200, required=True, api=Api.SUMMARY)
    capacity: int = editable(_("Plaatsen"), "number", limit=CAPACITY_MAX, required=True, api=Api.SUMMARY)
    room: str = editable(_("Zaal"), limit=100, api=Api.SUMMARY, default="")
    speakers: tuple[Speaker, ...] = _speakers()


@dataclass(frozen=True)
class Slot:
    """One item of a meeting's programme: a talk, a break, or a round of workshops."""

    # `position` names the slot for good (speakers and slides refer to it; it is in the key); `order` is where it is shown
    position: int = field(
        metadata=kept_out | shown(description="Names a workshop round in `sessions` when registering")
    )
    start: str = editable(_("Begintijd"), "time", required=True, api=Api.SUMMARY)  # "HH:MM", local time
    end: str = editable(_("Eindtijd"), "time", hint=_("Leeg voor een moment, zoals de inloop."), api=Api.SUMMARY)
    title: str = editable(_("Onderdeel"), limit=200, required=True, api=Api.SUMMARY)
    speakers: tuple[Speaker, ...] = _speakers()
    order: int = 0
    # a workshop round: attendees on location choose one; the API and event files call them sessions
    workshops: tuple[Workshop, ...] = editable(
        _("Workshopronde: parallelle workshops"),
        "rows",
        limit=MAX_WORKSHOPS,
        hint=_(
            "Vul minstens twee workshops in om van dit onderdeel een workshopronde te maken: deelnemers op "
            "locatie kiezen er dan één bij hun aanmelding. Lege rijen tellen niet mee."
        ),
        api=Api.SUMMARY,
        json_name="sessions",
        description="Non-empty: a workshop round",
        default=(),
    )

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

    def to_item(self, slug: str) -> Item:
        item = {"PK": event_pk(slug), "SK": slot_sk(self.position), "type": "slot", **attributes(self)}
        item["order"] = self.order or self.position
        return item

    @classmethod
    def from_item(cls, item: Item) -> Slot:
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


class QuestionAudience(StrEnum):
    """Whom a question of the registration form asks: its values are AttendanceMode's, and everyone."""

    EVERYONE = "everyone"
    ON_SITE = "location"  # the drinks, the lunch, parking: nothing to an online attendee
    ONLINE = "online"


words(
    QuestionAudience,
    {
        QuestionAudience.EVERYONE: _("Iedereen"),
        QuestionAudience.ON_SITE: _("Alleen voor wie op locatie deelneemt"),
        QuestionAudience.ONLINE: _("Alleen voor wie online deelneemt"),
    },
)


@dataclass(frozen=True)
class Question:
    """A question of a meeting's registration form. Its id names its answers for good."""

    id: int = field(metadata=shown())
    kind: QuestionKind = editable(
        _("Soort vraag"), "choice", required=True, invalid=_("Kies wat voor vraag het is."), api=Api.SUMMARY
    )
    label: str = editable(
        _("Vraag"), limit=200, required=True, hint=_("Bijvoorbeeld: Neemt u deel aan de borrel?"), api=Api.SUMMARY
    )
    help: str = editable(
        _("Uitleg bij de vraag"),
        limit=300,
        hint=_("Verschijnt onder de vraag, bijvoorbeeld: zodat de catering rekening met u kan houden."),
        api=Api.SUMMARY,
        default="",
    )
    required: bool = editable(
        _("Deelnemers moeten deze vraag beantwoorden"), "checkbox", api=Api.SUMMARY, default=False
    )
    # read only for CHOICE and CHOICES (events/questions.py)
    options: tuple[str, ...] = editable(
        _("Keuzes"),
        "options",
        limit=MAX_OPTIONS,
        hint=_("Alleen bij één keuze of meer keuzes: 2 tot 12 keuzes, één per regel."),
        api=Api.SUMMARY,
        description="For choice and choices",
        default=(),
    )
    audience: QuestionAudience = editable(
        _("Voor wie is de vraag?"),
        "choice",
        invalid=_("Kies voor wie de vraag is."),
        hint=_("Bij een bijeenkomst op locatie en online: wie anders deelneemt, krijgt de vraag niet."),
        api=Api.SUMMARY,
        description="Whom the form asks it: everyone, or one way of taking part (location, online)",
        default=QuestionAudience.EVERYONE,
    )

    def asks(self, attendance: str) -> bool:
        """Whether the form asks it of someone who takes part this way (on location or online). The
        form shows it, requires it and keeps its answer only then."""
        return self.audience in (QuestionAudience.EVERYONE, attendance)

    def asked_in(self, modes: tuple[str, ...]) -> bool:
        """Whether a meeting offering these ways of taking part asks it of anyone."""
        return any(self.asks(mode) for mode in modes)

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

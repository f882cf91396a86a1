"""A registration for an event, and its DynamoDB items.

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / REG#{email hash}  a registration (one per address per event)
  EVENT#{slug} / WAIT#{time}#{id}  a place on the waiting list for a seat on location, oldest first
  EVENT#{slug} / WAITONLINE#{time}#{id}  the same for an online seat: each way has its own list
  TOKEN#{token} / #TOKEN           the personal link, pointing at its registration
  EVENT#{slug} / STATS, STATS#{0-f} the overview's figures, kept by the transactions that change them
A registration is also in GSI1 under REGS#{slug} / {standing}#{name key}#{hash}: organisers'
lists read one page of a standing (confirmed, attended, waiting, cancelled), sorted by name.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import (
    WAIT_PREFIXES,
    email_key,
    event_pk,
    person_index,
    registration_sk,
    registrations_index,
    slug_of,
)
from chalicelib.events.model import AttendanceMode, Event, EventStatus
from chalicelib.events.parts import workshop_key
from chalicelib.registrations.lifecycle import STANDINGS, RegistrationStatus, Standing, standing_of

NO_VALUE = "—"  # the overview's row for registrations without an organisation or role


def name_key(text: str) -> str:
    """A name as organisers' lists sort and search it: lower case, without accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:100]


# words that come before a Dutch (or German, French ...) surname and are not sorted on: "van den Berg" is found as "berg"
SURNAME_PARTICLES = frozenset(
    "van de den der het 't t ter ten te in op aan bij uit onder over voor von vom zu zum zur du des di da la le d' l' 's".split()  # noqa: SIM905
)


def surname_key(text: str) -> str:
    """The surname as a search starts it: the name key after the first word, without the particles
    before it ("Dave van den Berg" -> "berg"); a one-word name is its own surname."""
    words = name_key(text).split(" ")
    rest = words[1:] or words
    while len(rest) > 1 and rest[0] in SURNAME_PARTICLES:
        rest = rest[1:]
    return " ".join(rest)


def search_surname(text: str) -> str:
    """A search text as the start of a surname key: without the particles it starts with."""
    words = name_key(text).split(" ")
    while len(words) > 1 and words[0] in SURNAME_PARTICLES:
        words = words[1:]
    return " ".join(words)


def figures_of(
    standing: Standing, organisation: str, role: str, created_at: datetime, sign: int = 1, counted: tuple[str, ...] = ()
) -> Counter[str]:
    """The overview's figures of one registration, kept or anonymised: every one counts by standing and
    by day; organisation, role and the answers to the form's questions (`counted`) count only while
    it holds a seat or a place in line."""
    figures = Counter({f"status#{standing}": sign, f"day#{created_at.astimezone(TIMEZONE).date()}": sign})
    if not STANDINGS[standing].ended:
        figures[f"org#{organisation or NO_VALUE}"] += sign
        figures[f"role#{role or NO_VALUE}"] += sign
        for name in counted:
            figures[name] += sign
    return figures


def online_link(event: Event, confirmed: bool, attendance: str) -> str | None:
    """The meeting link as one registration may see it: only a confirmed online seat does ("" while the
    organisers have not entered it yet); None for everyone else, the waiting list included."""
    offered = AttendanceMode.ONLINE in event.modes and event.status != EventStatus.CANCELLED
    if not (confirmed and attendance == AttendanceMode.ONLINE and offered):
        return None
    return event.online_link


@dataclass
class Registration:
    """One person's registration for a meeting: their seat or place on the waiting list, and their answers."""

    event_slug: str = field(metadata=kept_out)  # in the key
    token: str
    name: str
    email: str
    organisation: str
    role: str
    created_at: datetime
    status: RegistrationStatus = RegistrationStatus.CONFIRMED
    remarks: str = ""
    language: str = "nl"  # mails about this registration go out in it
    event_title: str = ""  # as the event was at registration (mails); a member's list reads the current ones
    event_date: str = ""
    # when the event ends: read alongside, so a member's list can offer a certificate once it has passed
    event_ends_at: datetime | None = field(default=None, metadata=kept_out)
    wait_key: str = ""  # SK of this registration's waiting-list entry, while waiting
    cancelled_at: datetime | None = None
    reminded_at: datetime | None = None
    attended_at: datetime | None = None  # checked in at the door
    attendance: AttendanceMode = AttendanceMode.ON_SITE  # its seat and waiting list are of this way
    # the workshop chosen in each round, by the round's slot position: a seat in it is held while confirmed
    workshops: dict[str, int] = field(default_factory=dict)
    # the workshops (workshop keys) they were checked in at, at the room's door: a String Set that only
    # that check-in writes (ADD and DELETE), so never part of to_item
    workshops_attended: frozenset[str] = field(default_factory=frozenset, metadata=kept_out)
    evaluated: bool = False  # answered the evaluation (which answer is not recorded anywhere)
    answers: dict[str, list[str]] = field(default_factory=dict)  # by question id, to the form's own questions
    # the overview's figures the answers add: "answer#{id}" for each answered question, and
    # "answer#{id}#{answer}" for the kinds with fixed answers (never free text)
    counted: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The registration's name in organisers' URLs: its key without the prefix (a hash, no address)."""
        return email_key(self.email)

    @property
    def sk(self) -> str:
        return registration_sk(self.email)

    @property
    def event_day(self) -> date | None:
        """The event's date, as pages show it (none for a registration that never had one)."""
        return date.fromisoformat(self.event_date) if self.event_date else None

    @property
    def workshop_keys(self) -> list[str]:
        """The seats it holds in workshops, as the event's seat maps name them."""
        return [workshop_key(int(position), workshop_id) for position, workshop_id in self.workshops.items()]

    @property
    def ended(self) -> bool:
        """Cancelled (or any other standing without a seat or a place in line)."""
        return STANDINGS[self.standing].ended

    @property
    def standing(self) -> Standing:
        return standing_of(self.status, self.attended_at is not None)

    @property
    def own_label(self) -> str:
        """msgid: how the person's own page names where they stand (present once checked in)."""
        return STANDINGS[self.standing].own

    def list_key(self, standing: Standing | None = None) -> str:
        """Its GSI1 sort key in the registrations list, in its own standing or the one it moves to."""
        return f"{standing or self.standing}#{name_key(self.name)}#{self.key}"

    def surname_list_key(self, standing: Standing | None = None) -> str:
        """Its GSI3 sort key: the same list by surname, so a search for "Berg" finds Dave van den Berg."""
        return f"{standing or self.standing}#{surname_key(self.name)}#{self.key}"

    def figures(self, sign: int = 1) -> Counter[str]:
        """What this registration adds to the overview's figures (`sign` -1: what it takes away)."""
        return figures_of(self.standing, self.organisation, self.role, self.created_at, sign, self.counted)

    def new_wait_key(self, joined: datetime | None = None) -> str:
        """Its place at the end of its way's waiting list, as of when it joined: when it registered, or
        when it switched to this way later (a switch queues behind everyone already waiting)."""
        # UTC microseconds first, so the waiting list Query returns the oldest first (also across DST)
        moment = (joined or self.created_at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        return f"{WAIT_PREFIXES[self.attendance]}{moment}#{email_key(self.email)[:12]}"

    def to_item(self) -> Item:
        return {
            "PK": event_pk(self.event_slug),
            "SK": self.sk,
            "type": "registration",
            **attributes(self),
            # organisers' list of the event, by standing and name
            "GSI1PK": registrations_index(self.event_slug),
            "GSI1SK": self.list_key(),
            "GSI3SK": self.surname_list_key(),  # GSI3: the same partition, by surname
            # a member's own registrations, across events
            "GSI2PK": person_index(self.email),
            "GSI2SK": f"{self.event_date}#{self.event_slug}",
        }

    @classmethod
    def from_item(cls, item: Item) -> Registration:
        return from_attributes(
            cls,
            item,
            event_slug=slug_of(item["PK"]),
            workshops_attended=frozenset(item.get("workshops_attended") or ()),
        )

"""An event with its programme slots and speakers: declared once, with their DynamoDB items.

Each editable field of an event says here, once, how organisers edit it (label,
kind of input, limits) and whether the JSON API shows it. The item mapping, the
workspace form, the import, the JSON and the OpenAPI schema are all derived from
these declarations (see `core/entity.py` and `core/fields.py`), so a new field is
one line here plus where a template shows it.

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / #EVENT            the event, with its seat counters
  EVENT#{slug} / #SLOT#{nnn}       a programme slot
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from chalicelib.accounts.model import Account
from chalicelib.core.clock import local_time
from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import Api, editable, kept_out, shown
from chalicelib.core.i18n import _
from chalicelib.core.keys import EVENT_SK, event_dates_index, event_pk, events_index
from chalicelib.core.vocabulary import words
from chalicelib.events.parts import CAPACITY_MAX, Question, Slot, Workshop, workshop_key

ROLES_MAX = 20
MAX_QUESTIONS = 10  # a registration form stays short; ten choices-questions stay far below a form's field limit

# workshops in all rounds together: an edit's condition names each, and stays far below DynamoDB's 4 KB per expression
MAX_EVENT_WORKSHOPS = 24


Day = date  # the type, for fields of Event, where its field `date` hides the name

# A page cursor is the GSI1 sort key of the last event shown: "{date}T{start}#{slug}".
# The whole index key follows from it, and it says nothing that the page did not show.


class EventStatus(StrEnum):
    DRAFT = "draft"  # organisers only, until the programme is ready
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # stays visible, with the cancellation


words(
    EventStatus,
    {
        EventStatus.DRAFT: _("Concept"),
        EventStatus.PUBLISHED: _("Gepubliceerd"),
        EventStatus.CANCELLED: _("Geannuleerd"),
    },
)


class AttendanceMode(StrEnum):
    """How someone takes part in a meeting. Each way has its own seats and its own waiting list."""

    ON_SITE = "location"
    ONLINE = "online"


words(AttendanceMode, {AttendanceMode.ON_SITE: _("Op locatie"), AttendanceMode.ONLINE: _("Online")})


class RegistrationState(StrEnum):
    """Whether a visitor can register now."""

    OPEN = "open"
    FULL = "full"  # new registrations join the waiting list
    CLOSED = "closed"
    CANCELLED = "cancelled"


words(RegistrationState)


# the attributes of the event item that hold each way's capacity, confirmed seats and waiting list length
SEAT_ATTRIBUTES = {
    AttendanceMode.ON_SITE: ("capacity", "confirmed", "waiting"),
    AttendanceMode.ONLINE: ("online_capacity", "confirmed_online", "waiting_online"),
}


# the counters among them: registrations' transactions write them, organisers' edits never do
SEAT_COUNTERS = tuple(name for names in SEAT_ATTRIBUTES.values() for name in names[1:])


@dataclass(frozen=True)
class Seats:
    """One way of taking part: its capacity and how many have a seat or wait."""

    mode: AttendanceMode
    capacity: int
    confirmed: int
    waiting: int

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.confirmed >= self.capacity


@dataclass
class Event:
    """A meeting: what the public page shows, its seats and their counters, and its programme."""

    slug: str = editable(
        _("Webadres"),
        "slug",
        limit=80,
        hint=_(
            "Het deel na /events/ in de link, bijvoorbeeld netwerkbijeenkomst-zwijndrecht. Leeg: gemaakt van de titel. Kan later niet meer veranderen."
        ),
        api=Api.SUMMARY,
    )
    title: str = editable(_("Titel"), limit=150, required=True, api=Api.SUMMARY)
    date: date = editable(_("Datum"), "date", required=True, api=Api.SUMMARY)
    start: str = editable(_("Begintijd"), "time", required=True, api=Api.SUMMARY)  # "HH:MM", Europe/Amsterdam
    end: str = editable(_("Eindtijd"), "time", required=True, api=Api.SUMMARY)
    venue: str = editable(
        _("Locatie"),
        limit=150,
        required=True,
        hint=_("Bijvoorbeeld: Gemeentehuis Zwijndrecht. Alleen online: bijvoorbeeld Online (Teams)."),
        api=Api.SUMMARY,
    )
    capacity: int = editable(
        _("Plaatsen op locatie"),
        "number",
        limit=CAPACITY_MAX,
        required=True,
        hint=_("0 voor een bijeenkomst die alleen online is."),
        api=Api.SUMMARY,
    )
    online_capacity: int = editable(
        _("Plaatsen online"),
        "number",
        limit=CAPACITY_MAX,
        hint=_("Leeg of 0: geen online deelname. Online en op locatie hebben elk een eigen wachtlijst."),
        api=Api.SUMMARY,
        default=0,
    )
    # never in the API or on a public page: only a confirmed online seat sees it (registrations/model.py)
    online_link: str = editable(
        _("Link naar de online bijeenkomst"),
        "url",
        limit=500,
        hint=_(
            "Teams, Webex, Zoom, Jitsi: de link begint met https://. Alleen wie een bevestigde online plaats "
            "heeft, ziet hem: op de persoonlijke pagina, in de e-mails en in de agenda. Kan ook later."
        ),
        default="",
    )
    room: str = editable(_("Zaal"), limit=100, api=Api.SUMMARY, default="")
    address: str = editable(_("Adres"), limit=200, api=Api.SUMMARY, default="")
    summary: str = editable(_("Korte samenvatting"), limit=300, api=Api.SUMMARY, default="")
    description: str = editable(
        _("Beschrijving"),
        "textarea",
        limit=10_000,
        hint=_("Markdown: **vet**, *schuin*, [link](https://…), lijstjes met -."),
        api=Api.DETAIL,
        default="",
    )
    # the description rendered and sanitised when it is saved (events/workspace.py), so that an event
    # page shows it without loading a Markdown parser on a cold start
    description_html: str = ""
    audience: str = editable(_("Doelgroep"), "textarea", limit=1000, api=Api.SUMMARY, default="")
    roles: tuple[str, ...] = editable(
        _("Functies om uit te kiezen bij aanmelden"),
        "lines",
        limit=ROLES_MAX,
        hint=_("Eén functie per regel. Leeg: deelnemers typen hun functie zelf."),
        api=Api.SUMMARY,
        default=(),
    )
    themes: tuple[str, ...] = editable(_("Thema's"), "themes", api=Api.SUMMARY, default=())
    # a working group's meeting exists for that group's members and the organisers only (`visible_to`):
    # never in the API, the public lists, feeds or search; its address is missing to anyone else
    group: str = editable(
        _("Alleen voor de werkgroep"),
        limit=40,
        hint=_(
            "Leeg: voor iedereen. Of de korte naam van een werkgroep, bijvoorbeeld drivergroep: dan zien "
            "alleen de leden van die werkgroep en de organisatoren de bijeenkomst, en krijgen de leden een "
            "uitnodiging zodra hij gepubliceerd is."
        ),
        default="",
    )
    registration_deadline: datetime | None = editable(
        _("Aanmelden kan tot"), "datetime", hint=_("Leeg: tot het begin van de bijeenkomst."), default=None
    )
    # speakers' slides go public in the library once the event is over
    publish_slides_after: bool = editable(
        _("Dia's van sprekers na afloop automatisch in de kennisbank zetten"), "checkbox", default=False
    )
    # the registration form's own questions (events/questions.py), in the event's item: read with it at no cost
    questions: tuple[Question, ...] = field(default=(), metadata=shown(Api.DETAIL))
    status: EventStatus = EventStatus.PUBLISHED
    confirmed: int = 0  # seat counters: written only by registration's transactions (see SEAT_ATTRIBUTES)
    waiting: int = 0
    confirmed_online: int = 0
    waiting_online: int = 0
    version: int = 0  # organisers' edits expect the version they read; registrations leave it alone
    # when it was first published: followers of its themes hear of it once, in the next daily digest
    published_at: datetime | None = None
    evaluation_opened_at: datetime | None = None  # written only when the evaluation mail goes out
    evaluation_closed_at: datetime | None = None  # an organiser closed it before its 14 days were over
    # the meeting's date when an organiser opened check-in before that day (a meeting that starts early,
    # confirmed on a page of its own): moving the meeting to another day closes it again until then
    check_in_early_for: Day | None = None
    questions_issued: int = 0  # the highest question id ever given: a removed question's id is never reused
    # workshop rounds' seats by workshop_key: the capacities follow the programme (written with every
    # edit, so that registrations' conditions read them from this item); the seats taken are written
    # only by registrations' transactions, like the counters above
    workshop_seats: dict[str, int] = field(default_factory=dict)
    workshops_taken: dict[str, int] = field(default_factory=dict)
    # each workshop as mails name it, by workshop_key: [title, start, end, room], written with every
    # edit like the capacities, so that a confirmation names the one chosen from this item alone
    workshop_names: dict[str, list[str]] = field(default_factory=dict)
    programme: list[Slot] = field(default_factory=list, metadata=kept_out | shown(Api.DETAIL))
    # the other items of its partition that the event's one Query brings along, as stored: its
    # materials, which the library reads (library/model.py `materials_of`)
    attached: list[Item] = field(default_factory=list, metadata=kept_out)

    @property
    def place(self) -> str:
        """Where it is, as mails, calendars and certificates write it: room, venue, address."""
        return ", ".join(part for part in (self.room, self.venue, self.address) if part)

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(f"{self.date.isoformat()}T{self.start}").replace(tzinfo=TIMEZONE)

    @property
    def ends_at(self) -> datetime:
        return datetime.fromisoformat(f"{self.date.isoformat()}T{self.end}").replace(tzinfo=TIMEZONE)

    def visible_to(self, viewer: Account | None) -> bool:
        """Whether the meeting exists for this visitor: any meeting for everyone, but a working group's
        only for its members and the organisers."""
        return not self.group or (viewer is not None and viewer.sees_group(self.group))

    def stamp_publication(self, now: datetime) -> None:
        """Remember the first publication; publishing again after a withdrawal announces nothing new."""
        if self.status == EventStatus.PUBLISHED and self.published_at is None:
            self.published_at = now

    @property
    def rounds(self) -> list[Slot]:
        """The programme's workshop rounds, in the order shown."""
        return [slot for slot in self.programme if slot.workshops]

    @property
    def round_positions(self) -> list[int]:
        """The rounds' slot positions, from this item alone (a registration reads no slots)."""
        return sorted({int(key.split("-")[0]) for key in self.workshop_seats})

    def workshop(self, key: str) -> tuple[Slot, Workshop] | None:
        """The round and workshop a workshop key names ("7-2"), or None."""
        return next(((slot, s) for slot in self.rounds for s in slot.workshops if slot.key_of(s) == key), None)

    def workshop_taken(self, position: int, workshop_id: int) -> int:
        return self.workshops_taken.get(workshop_key(position, workshop_id), 0)

    def round_has_places(self, position: int) -> bool:
        return any(
            n > self.workshops_taken.get(key, 0)
            for key, n in self.workshop_seats.items()
            if key.startswith(f"{position}-")
        )

    def workshop_places_left(self, position: int, workshop_id: int) -> int:
        capacity = self.workshop_seats.get(workshop_key(position, workshop_id), 0)
        return max(capacity - self.workshop_taken(position, workshop_id), 0)

    @property
    def question_labels(self) -> dict[str, str]:
        """Each question's label by its form field, for the form's error summary."""
        return {q.field: q.label for q in self.questions}

    @property
    def modes(self) -> tuple[AttendanceMode, ...]:
        """The ways to take part: online with online seats; on location with seats there, or when there
        is no online either (a meeting without seats still has its waiting list)."""
        online = (AttendanceMode.ONLINE,) if self.online_capacity > 0 else ()
        on_site = (AttendanceMode.ON_SITE,) if self.capacity > 0 or not online else ()
        return on_site + online

    @property
    def is_hybrid(self) -> bool:
        """Attendees choose: on location or online."""
        return len(self.modes) > 1

    def seats(self, mode: AttendanceMode) -> Seats:
        capacity, confirmed, waiting = (getattr(self, name) for name in SEAT_ATTRIBUTES[mode])
        return Seats(mode, capacity, confirmed, waiting)

    @property
    def all_seats(self) -> list[Seats]:
        """The seats of each way to take part that the meeting offers."""
        return [self.seats(mode) for mode in self.modes]

    @property
    def places_left(self) -> int:
        return sum(seats.places_left for seats in self.all_seats)

    @property
    def capacity_total(self) -> int:
        return sum(seats.capacity for seats in self.all_seats)

    @property
    def confirmed_total(self) -> int:
        return self.confirmed + self.confirmed_online

    @property
    def waiting_total(self) -> int:
        return self.waiting + self.waiting_online

    @property
    def is_full(self) -> bool:
        """No seat left in any way to take part: registrations join a waiting list."""
        return all(seats.is_full for seats in self.all_seats)

    def registration_state(self, now: datetime) -> RegistrationState:
        if self.status == EventStatus.CANCELLED:
            return RegistrationState.CANCELLED
        deadline = self.registration_deadline or self.starts_at
        if now >= deadline or now >= self.starts_at:
            return RegistrationState.CLOSED
        return RegistrationState.FULL if self.is_full else RegistrationState.OPEN

    def check_in_open(self, now: datetime) -> bool:
        """Check-in at the door opens on the meeting's day, as the Netherlands' calendar reads it (it
        stays open afterwards, for lists entered late), or earlier when an organiser opened it."""
        return now.astimezone(TIMEZONE).date() >= self.date or self.check_in_early_for == self.date

    def to_item(self) -> Item:
        day = self.date.isoformat()
        return {
            "PK": event_pk(self.slug),
            "SK": EVENT_SK,
            "type": "event",
            **attributes(self),
            # the public lists read only published events; organisers read all three partitions; a
            # working group's meetings have partitions of their own, which no public list reads
            "GSI1PK": events_index(self.status, self.group),
            "GSI1SK": f"{day}T{self.start}#{self.slug}",
            # every event by date, for reminders and retention, until its registrations are anonymised
            "GSI2PK": event_dates_index(),
            "GSI2SK": f"{day}#{self.slug}",
            # GSI3 of the published partition: by the moment of publication, for the daily digest
            **({"GSI3SK": f"{local_time(self.published_at)}#{self.slug}"} if self.published_at else {}),
        }

    @classmethod
    def from_item(cls, item: Item, programme: list[Slot] | None = None, attached: list[Item] | None = None) -> Event:
        return from_attributes(
            cls,
            item,
            programme=sorted(programme or [], key=lambda s: (s.order, s.position)),
            attached=attached or [],
        )

"""Dataclasses for what the portal stores, with their DynamoDB item shapes.

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / #EVENT            the event, with its seat counters
  EVENT#{slug} / #SLOT#{nnn}       a programme slot
  EVENT#{slug} / REG#{email hash}  a registration (one per address per event)
  EVENT#{slug} / WAIT#{time}#{id}  a place on the waiting list, oldest first
  TOKEN#{token} / #TOKEN           the personal link, pointing at its registration
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.config import TIMEZONE

EVENT_SK = "#EVENT"
SLOT_PREFIX = "#SLOT#"
REG_PREFIX = "REG#"
WAIT_PREFIX = "WAIT#"
TOKEN_SK = "#TOKEN"  # noqa: S105 (a sort key, not a secret)
EVENTS_INDEX_PK = "EVENTS"
EVENT_DATES_INDEX_PK = "EVENTDATES"


def event_pk(slug: str) -> str:
    return f"EVENT#{slug}"


def token_pk(token: str) -> str:
    return f"TOKEN#{token}"


def email_key(email: str) -> str:
    """Registrations are keyed by a hash, so that keys hold no address and
    anonymising a registration later never has to move it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str = ""


@dataclass(frozen=True)
class Slot:
    position: int
    start: str  # "HH:MM", local time
    end: str
    title: str
    speakers: tuple[Speaker, ...] = ()
    # `position` names the slot for good (speakers and slides refer to it); `order` is where it is shown
    order: int = 0

    def to_item(self, slug: str) -> dict[str, Any]:
        return {
            "PK": event_pk(slug),
            "SK": f"{SLOT_PREFIX}{self.position:03d}",
            "type": "slot",
            "order": self.order or self.position,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "speakers": [{"name": s.name, "organisation": s.organisation} for s in self.speakers],
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Slot:
        return cls(
            position=int(item["SK"].removeprefix(SLOT_PREFIX)),
            start=item["start"],
            end=item.get("end", ""),
            title=item["title"],
            speakers=tuple(Speaker(s["name"], s.get("organisation", "")) for s in item.get("speakers", [])),
            order=int(item.get("order", 0)) or int(item["SK"].removeprefix(SLOT_PREFIX)),
        )


@dataclass
class Event:
    slug: str
    title: str
    date: date
    start: str  # "HH:MM", Europe/Amsterdam
    end: str
    venue: str
    capacity: int
    room: str = ""
    address: str = ""
    summary: str = ""
    description: str = ""
    audience: str = ""
    roles: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    registration_deadline: datetime | None = None
    status: str = "published"  # draft | published | cancelled
    publish_slides_after: bool = False  # speakers' slides go public in the library once the event is over
    confirmed: int = 0
    waiting: int = 0
    version: int = 0  # organisers' edits expect the version they read; registrations leave it alone
    programme: list[Slot] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)  # read with the event, not stored on it

    @property
    def starts_at(self) -> datetime:
        return datetime.fromisoformat(f"{self.date.isoformat()}T{self.start}").replace(tzinfo=TIMEZONE)

    @property
    def ends_at(self) -> datetime:
        return datetime.fromisoformat(f"{self.date.isoformat()}T{self.end}").replace(tzinfo=TIMEZONE)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.confirmed >= self.capacity

    def registration_state(self, now: datetime) -> str:
        """open | full (new registrations wait) | closed | cancelled."""
        if self.status == "cancelled":
            return "cancelled"
        deadline = self.registration_deadline or self.starts_at
        if now >= deadline or now >= self.starts_at:
            return "closed"
        return "full" if self.is_full else "open"

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": event_pk(self.slug),
            "SK": EVENT_SK,
            "type": "event",
            "slug": self.slug,
            "title": self.title,
            "date": self.date.isoformat(),
            "start": self.start,
            "end": self.end,
            "venue": self.venue,
            "room": self.room,
            "address": self.address,
            "summary": self.summary,
            "description": self.description,
            "audience": self.audience,
            "roles": list(self.roles),
            "themes": list(self.themes),
            "capacity": self.capacity,
            "confirmed": self.confirmed,
            "waiting": self.waiting,
            "status": self.status,
            "publish_slides_after": self.publish_slides_after,
            "version": self.version,
            # the public lists read only published events; organisers read all three partitions
            "GSI1PK": EVENTS_INDEX_PK if self.status == "published" else f"{EVENTS_INDEX_PK}#{self.status}",
            "GSI1SK": f"{self.date.isoformat()}T{self.start}#{self.slug}",
        }
        if self.registration_deadline:
            item["registration_deadline"] = self.registration_deadline.isoformat()
        # every event by date, for reminders and retention, until its registrations are anonymised
        item["GSI2PK"], item["GSI2SK"] = EVENT_DATES_INDEX_PK, f"{self.date.isoformat()}#{self.slug}"
        return item

    @classmethod
    def from_item(
        cls, item: dict[str, Any], programme: list[Slot] | None = None, materials: list[Material] | None = None
    ) -> Event:
        return cls(
            slug=item["slug"],
            title=item["title"],
            date=date.fromisoformat(item["date"]),
            start=item["start"],
            end=item["end"],
            venue=item["venue"],
            capacity=int(item["capacity"]),
            room=item.get("room", ""),
            address=item.get("address", ""),
            summary=item.get("summary", ""),
            description=item.get("description", ""),
            audience=item.get("audience", ""),
            roles=tuple(item.get("roles", [])),
            themes=tuple(item.get("themes", [])),
            registration_deadline=_dt(item.get("registration_deadline")),
            status=item.get("status", "published"),
            publish_slides_after=bool(item.get("publish_slides_after", False)),
            confirmed=int(item.get("confirmed", 0)),
            waiting=int(item.get("waiting", 0)),
            version=int(item.get("version", 0)),
            programme=sorted(programme or [], key=lambda s: (s.order, s.position)),
            materials=materials or [],
        )


@dataclass
class Registration:
    event_slug: str
    token: str
    name: str
    email: str
    organisation: str
    role: str
    created_at: datetime
    status: str = "confirmed"  # confirmed | waiting | cancelled
    remarks: str = ""
    language: str = "nl"  # mails about this registration go out in it
    event_title: str = ""  # copied, so a member's own list needs no read per event
    event_date: str = ""
    wait_key: str = ""  # SK of this registration's waiting-list entry, while waiting
    cancelled_at: datetime | None = None
    reminded_at: datetime | None = None
    attended_at: datetime | None = None  # checked in at the door

    @property
    def key(self) -> str:
        """The registration's name in organisers' URLs: its key without the prefix (a hash, no address)."""
        return self.sk.removeprefix(REG_PREFIX)

    @property
    def sk(self) -> str:
        return REG_PREFIX + email_key(self.email)

    def new_wait_key(self) -> str:
        # UTC microseconds first, so the waiting list Query returns the oldest first (also across DST)
        moment = self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        return f"{WAIT_PREFIX}{moment}#{email_key(self.email)[:12]}"

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": event_pk(self.event_slug),
            "SK": self.sk,
            "type": "registration",
            "token": self.token,
            "name": self.name,
            "email": self.email,
            "organisation": self.organisation,
            "role": self.role,
            "remarks": self.remarks,
            "language": self.language,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "event_title": self.event_title,
            "event_date": self.event_date,
            # a member's own registrations, across events
            "GSI2PK": f"REGEMAIL#{email_key(self.email)}",
            "GSI2SK": f"{self.event_date}#{self.event_slug}",
        }
        if self.wait_key:
            item["wait_key"] = self.wait_key
        if self.cancelled_at:
            item["cancelled_at"] = self.cancelled_at.isoformat()
        if self.reminded_at:
            item["reminded_at"] = self.reminded_at.isoformat()
        if self.attended_at:
            item["attended_at"] = self.attended_at.isoformat()
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Registration:
        return cls(
            event_slug=item["PK"].removeprefix("EVENT#"),
            token=item["token"],
            name=item["name"],
            email=item["email"],
            organisation=item.get("organisation", ""),
            role=item.get("role", ""),
            remarks=item.get("remarks", ""),
            language=item.get("language", "nl"),
            event_title=item.get("event_title", ""),
            event_date=item.get("event_date", ""),
            status=item["status"],
            created_at=datetime.fromisoformat(item["created_at"]),
            wait_key=item.get("wait_key", ""),
            cancelled_at=_dt(item.get("cancelled_at")),
            reminded_at=_dt(item.get("reminded_at")),
            attended_at=_dt(item.get("attended_at")),
        )


ACCOUNT_SK = "#ACCOUNT"
NEWSLETTER_INDEX_PK = "NEWSLETTER"


def account_pk(email: str) -> str:
    return f"ACCOUNT#{email_key(email)}"


@dataclass
class Account:
    """A person's membership: requested, verified, then approved (or not) by an organiser.

    status: unverified | pending | approved | rejected | disabled
    access: member | organiser
    """

    email: str
    name: str
    organisation: str
    job: str
    created_at: datetime
    reason: str = ""
    newsletter: bool = False
    status: str = "unverified"
    access: str = "member"
    language: str = "nl"
    version: int = 0  # optimistic concurrency: every write expects the version it read

    @property
    def pk(self) -> str:
        return account_pk(self.email)

    @property
    def can_sign_in(self) -> bool:
        return self.status == "approved"

    @property
    def subscribed(self) -> bool:
        return self.newsletter and self.status == "approved"

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": self.pk,
            "SK": ACCOUNT_SK,
            "type": "account",
            "email": self.email,
            "name": self.name,
            "organisation": self.organisation,
            "job": self.job,
            "reason": self.reason,
            "newsletter": self.newsletter,
            "status": self.status,
            "access": self.access,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
            "version": self.version,
            # organisers list accounts by status, newest first
            "GSI1PK": f"ACCOUNTS#{self.status}",
            "GSI1SK": self.created_at.isoformat(),
        }
        if self.subscribed:
            item["GSI2PK"], item["GSI2SK"] = NEWSLETTER_INDEX_PK, self.email.lower()
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Account:
        return cls(
            email=item["email"],
            name=item["name"],
            organisation=item.get("organisation", ""),
            job=item.get("job", ""),
            created_at=datetime.fromisoformat(item["created_at"]),
            reason=item.get("reason", ""),
            newsletter=bool(item.get("newsletter", False)),
            status=item["status"],
            access=item.get("access", "member"),
            language=item.get("language", "nl"),
            version=int(item.get("version", 0)),
        )


SPEAKER_PREFIX = "SPEAKER#"
MATERIAL_PREFIX = "#MATERIAL#"  # '#': an event's materials come with its one page Query
LIBRARY_PK = "LIBRARY"  # materials that belong to no event
ACCESS_LEVELS = ("public", "members", "attendees", "organisers")
THEMES = ("polarisatie", "radicalisering", "extremisme", "online aangejaagde ordeverstoring", "statelijke dreigingen")


@dataclass
class InvitedSpeaker:
    """An invited speaker: uploads slides for their programme slots through a private link."""

    event_slug: str
    id: str
    name: str
    organisation: str
    email: str
    slots: tuple[int, ...]
    created_at: datetime
    revoked: bool = False

    def to_item(self) -> dict[str, Any]:
        return {
            "PK": event_pk(self.event_slug),
            "SK": f"{SPEAKER_PREFIX}{self.id}",
            "type": "speaker",
            "name": self.name,
            "organisation": self.organisation,
            "email": self.email,
            "slots": list(self.slots),
            "created_at": self.created_at.isoformat(),
            "revoked": self.revoked,
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> InvitedSpeaker:
        return cls(
            event_slug=item["PK"].removeprefix("EVENT#"),
            id=item["SK"].removeprefix(SPEAKER_PREFIX),
            name=item["name"],
            organisation=item.get("organisation", ""),
            email=item["email"],
            slots=tuple(int(s) for s in item.get("slots", [])),
            created_at=datetime.fromisoformat(item["created_at"]),
            revoked=bool(item.get("revoked", False)),
        )


def material_pk(material_id: str) -> str:
    """Material ids are '{event slug}.{random}' or '_.{random}' (no event): the id says where it lives."""
    owner = material_id.split(".", 1)[0]
    return LIBRARY_PK if owner == "_" else event_pk(owner)


@dataclass
class Material:
    """An item of the knowledge library: speaker slides or an organiser's document."""

    id: str
    title: str
    file_type: str  # pdf | pptx | odp | docx
    access: str  # public | members | attendees | organisers
    date: date
    object_key: str
    size: int
    filename: str
    uploaded_at: datetime
    description: str = ""
    themes: tuple[str, ...] = ()
    event_slug: str = ""
    event_title: str = ""
    slot: int = 0
    speaker_id: str = ""
    status: str = "draft"  # draft | published | after_event (published once the event is over)
    publish_from: datetime | None = None  # for after_event

    def is_visible(self, now: datetime) -> bool:
        if self.status == "published":
            return True
        return self.status == "after_event" and self.publish_from is not None and now >= self.publish_from

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "PK": material_pk(self.id),
            "SK": f"{MATERIAL_PREFIX}{self.id}",
            "type": "material",
            "title": self.title,
            "description": self.description,
            "themes": list(self.themes),
            "file_type": self.file_type,
            "access": self.access,
            "date": self.date.isoformat(),
            "object_key": self.object_key,
            "size": self.size,
            "filename": self.filename,
            "uploaded_at": self.uploaded_at.isoformat(),
            "event_slug": self.event_slug,
            "event_title": self.event_title,
            "slot": self.slot,
            "speaker_id": self.speaker_id,
            "status": self.status,
            # every material, newest first, for the library and the organisers' list
            "GSI1PK": "MATERIALS",
            "GSI1SK": f"{self.date.isoformat()}#{self.id}",
        }
        if self.publish_from:
            item["publish_from"] = self.publish_from.isoformat()
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Material:
        return cls(
            id=item["SK"].removeprefix(MATERIAL_PREFIX),
            title=item["title"],
            description=item.get("description", ""),
            themes=tuple(item.get("themes", [])),
            file_type=item["file_type"],
            access=item["access"],
            date=date.fromisoformat(item["date"]),
            object_key=item["object_key"],
            size=int(item["size"]),
            filename=item["filename"],
            uploaded_at=datetime.fromisoformat(item["uploaded_at"]),
            event_slug=item.get("event_slug", ""),
            event_title=item.get("event_title", ""),
            slot=int(item.get("slot", 0)),
            speaker_id=item.get("speaker_id", ""),
            status=item.get("status", "draft"),
            publish_from=_dt(item.get("publish_from")),
        )


NEWS_SK = "#NEWS"


@dataclass
class Article:
    """A news article; visible from its publish moment on."""

    slug: str
    title: str
    body: str  # Markdown, rendered and sanitised when shown
    published_at: datetime
    author: str
    updated_at: datetime

    def to_item(self) -> dict[str, Any]:
        return {
            "PK": f"NEWS#{self.slug}",
            "SK": NEWS_SK,
            "type": "article",
            "title": self.title,
            "body": self.body,
            "published_at": self.published_at.isoformat(),
            "author": self.author,
            "updated_at": self.updated_at.isoformat(),
            # every article, newest first; the publish moment decides visibility when read
            "GSI1PK": "NEWS",
            "GSI1SK": f"{self.published_at.isoformat()}#{self.slug}",
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Article:
        return cls(
            slug=item["PK"].removeprefix("NEWS#"),
            title=item["title"],
            body=item["body"],
            published_at=datetime.fromisoformat(item["published_at"]),
            author=item.get("author", ""),
            updated_at=datetime.fromisoformat(item["updated_at"]),
        )

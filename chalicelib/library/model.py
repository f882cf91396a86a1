"""Materials of the knowledge library and invited speakers, and their DynamoDB items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from chalicelib.core.clock import local_time
from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.i18n import _
from chalicelib.core.keys import (
    MATERIAL_PREFIX,
    SPEAKER_PREFIX,
    event_pk,
    material_pk,
    material_sk,
    materials_index,
    slug_of,
    speaker_sk,
)
from chalicelib.core.vocabulary import words
from chalicelib.events.model import Event


class MaterialAccess(StrEnum):
    """Who may open a material, from the widest circle to the narrowest."""

    PUBLIC = "public"
    MEMBERS = "members"
    ATTENDEES = "attendees"  # members who attended its event
    ORGANISERS = "organisers"


# who may open it, as organisers' pages say
words(
    MaterialAccess,
    {
        MaterialAccess.PUBLIC: _("Iedereen"),
        MaterialAccess.MEMBERS: _("Leden"),
        MaterialAccess.ATTENDEES: _("Deelnemers van de bijeenkomst"),
        MaterialAccess.ORGANISERS: _("Alleen organisatoren"),
    },
)


ACCESS_LEVELS = tuple(MaterialAccess)


class MaterialStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    AFTER_EVENT = "after_event"  # published once its event is over


words(MaterialStatus)


class FileType(StrEnum):
    PDF = "pdf"
    PPTX = "pptx"
    ODP = "odp"
    DOCX = "docx"


words(FileType)


class TextProblem(StrEnum):
    """Why the text of a material's file is not (all) in the search index: its reading stopped early.
    The material is still found by its title, description, themes and people."""

    TOO_LONG = "too_long"  # more text or pages than the index keeps: the beginning is indexed
    TOO_COMPLEX = "too_complex"  # beyond the parser's limits: a content stream's parsing work or inflated size
    TOO_LARGE = "too_large"  # a zip unpacking far beyond its size, a part too large, or memory spent
    TIME_LIMIT = "time_limit"  # reading took longer than its time limit (EXTRACT_SECONDS)
    UNREADABLE = "unreadable"  # the parser failed on it, or its process died


# as the organisers' pages say it, on the material
words(
    TextProblem,
    {
        TextProblem.TOO_LONG: _("Alleen het begin is doorzoekbaar: er is meer tekst dan de zoekfunctie bewaart."),
        TextProblem.TOO_COMPLEX: _("Te ingewikkeld om te indexeren: de tekst is niet (helemaal) doorzoekbaar."),
        TextProblem.TOO_LARGE: _("Uitgepakt veel te groot: de tekst is niet (helemaal) doorzoekbaar."),
        TextProblem.TIME_LIMIT: _("Tijdslimiet bereikt: de tekst is niet (helemaal) doorzoekbaar."),
        TextProblem.UNREADABLE: _("Niet te lezen: de tekst is niet (helemaal) doorzoekbaar."),
    },
)


# file type -> the content type it is served with
FILE_TYPES: dict[str, str] = {
    FileType.PDF: "application/pdf",
    FileType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileType.ODP: "application/vnd.oasis.opendocument.presentation",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# file type -> how people call it (names of formats, the same in Dutch and English)
FILE_TYPE_NAMES: dict[str, str] = {
    FileType.PDF: "PDF",
    FileType.PPTX: "PowerPoint",
    FileType.ODP: "OpenDocument",
    FileType.DOCX: "Word",
}


@dataclass
class InvitedSpeaker:
    """An invited speaker: uploads slides for their programme slots through a private link."""

    event_slug: str = field(metadata=kept_out)  # the key says both
    id: str = field(metadata=kept_out)
    name: str
    organisation: str
    email: str
    slots: tuple[int, ...]
    created_at: datetime
    revoked: bool = False

    def to_item(self) -> Item:
        return {
            "PK": event_pk(self.event_slug),
            "SK": speaker_sk(self.id),
            "type": "speaker",
            **attributes(self),
        }

    @classmethod
    def from_item(cls, item: Item) -> InvitedSpeaker:
        return from_attributes(cls, item, event_slug=slug_of(item["PK"]), id=item["SK"].removeprefix(SPEAKER_PREFIX))


def materials_of(event: Event) -> list[Material]:
    """The materials that came with an event's Query (library materials live in its partition)."""
    return [Material.from_item(item) for item in event.attached if item["SK"].startswith(MATERIAL_PREFIX)]


@dataclass
class Material:
    """An item of the knowledge library: speaker slides or an organiser's document."""

    id: str = field(metadata=kept_out)  # in the key
    title: str
    file_type: FileType
    access: MaterialAccess
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
    workshop: int = 0  # slides for one workshop of a round: its id (0: for the slot itself)
    speaker_id: str = ""
    # who presented it, for slides: shown with the material wherever it is listed
    speaker_name: str = ""
    speaker_organisation: str = ""
    status: MaterialStatus = MaterialStatus.DRAFT
    publish_from: datetime | None = None  # for after_event
    # the S3 version that passed the check: downloads and the index read it, never a later upload to
    # the same key ("" only for a file the portal wrote itself: its newest)
    object_version: str = ""
    # when it first became visible (or, after the event, will): followers of its themes hear of it
    # once, in the next morning's digest. None while it is a draft.
    published_at: datetime | None = None
    # why the file's text is not (all) searchable, as its reading recorded it; None: all of it is
    text_problem: TextProblem | None = None
    # sharing (library/sharing.py): the networks its owner shares it with; on a copy in one of those,
    # the network it came from, its name there and the material's id there
    shared_with: tuple[str, ...] = ()
    origin: str = ""
    origin_title: str = ""
    origin_id: str = ""

    @property
    def visible_from(self) -> datetime | None:
        """When it became (or becomes) visible, as the digest counts it: None for a draft."""
        visible = self.status in (MaterialStatus.PUBLISHED, MaterialStatus.AFTER_EVENT)
        return self.published_at if visible else None

    def stamp_publication(self, now: datetime) -> None:
        """Called when its status or its meeting's end changes: from when it is visible. Once that
        moment has come it stays, so publishing again after a withdrawal announces nothing new."""
        if self.published_at is not None and self.published_at <= now:
            return
        if self.status == MaterialStatus.PUBLISHED:
            self.published_at = now
        elif self.status == MaterialStatus.AFTER_EVENT and self.publish_from is not None:
            self.published_at = max(now, self.publish_from)  # slides uploaded after the meeting: now
        else:
            self.published_at = None

    @property
    def part(self) -> str:
        """The programme part the slides are for: "{slot}", or "{slot}-{workshop}" for a workshop."""
        return f"{self.slot}-{self.workshop}" if self.workshop else str(self.slot)

    def is_visible(self, now: datetime) -> bool:
        if self.status == MaterialStatus.PUBLISHED:
            return True
        return self.status == MaterialStatus.AFTER_EVENT and self.publish_from is not None and now >= self.publish_from

    def to_item(self) -> Item:
        return {
            "PK": material_pk(self.id),
            "SK": material_sk(self.id),
            "type": "material",
            **attributes(self),
            # every material, newest first, for the library and the organisers' list
            "GSI1PK": materials_index(),
            "GSI1SK": f"{self.date.isoformat()}#{self.id}",
            # GSI3 of the same partition: by the moment it became visible, for the daily digest
            **({"GSI3SK": f"{local_time(self.visible_from)}#{self.id}"} if self.visible_from else {}),
        }

    @classmethod
    def from_item(cls, item: Item) -> Material:
        return from_attributes(cls, item, id=item["SK"].removeprefix(MATERIAL_PREFIX))

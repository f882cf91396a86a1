"""A working group's documents and their versions, as items of the group's partition.

A document (DOC#{id}) names its newest version and, once a lead or an organiser published one, which
version the library holds and as which material. Each version (DOC#{id}#V#{nnn}) is a checked file
that is never changed or replaced: a new upload is a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import (
    GROUP_DOCUMENT_PREFIX,
    GROUP_PREFIX,
    VERSION_INFIX,
    document_version_sk,
    group_document_sk,
    group_pk,
    unscoped,
)
from chalicelib.library.model import FileType, MaterialAccess

DOCUMENT_TYPE = "group_document"
VERSION_TYPE = "group_document_version"
MAX_VERSIONS = 999  # the sort key holds three digits, so that versions sort by number


@dataclass
class GroupDocument:
    """A document the group drafts together."""

    group: str = field(metadata=kept_out)  # in the key
    id: str = field(metadata=kept_out)
    title: str
    created_at: datetime
    created_by: str  # an address, for the audit trail; pages show versions' uploaders by name
    latest: int = 0  # the number of the newest version (0: none uploaded yet)
    revision: int = 0  # each write expects the revision it read, so that no change undoes another
    # what the library holds: the version published, as which material, at which level, since when
    published_version: int = 0
    material_id: str = ""
    published_access: MaterialAccess | None = None
    published_at: datetime | None = None

    def to_item(self) -> Item:
        return {"PK": group_pk(self.group), "SK": group_document_sk(self.id), "type": DOCUMENT_TYPE, **attributes(self)}

    @classmethod
    def from_item(cls, item: Item) -> GroupDocument:
        return from_attributes(
            cls,
            item,
            group=unscoped(item["PK"]).removeprefix(GROUP_PREFIX),
            id=item["SK"].removeprefix(GROUP_DOCUMENT_PREFIX),
        )


@dataclass
class DocumentVersion:
    """One checked file of a document, by its S3 version: what downloads and publishing read."""

    document_id: str = field(metadata=kept_out)  # in the key
    number: int = field(metadata=kept_out)
    object_key: str
    object_version: str
    size: int
    filename: str
    file_type: FileType
    uploaded_at: datetime
    uploaded_by: str  # the uploader's address (kept with the group's other personal data)
    uploader_name: str  # as their account said at the time, for the document's history

    def to_item(self, group: str) -> Item:
        return {
            "PK": group_pk(group),
            "SK": document_version_sk(self.document_id, self.number),
            "type": VERSION_TYPE,
            **attributes(self),
        }

    @classmethod
    def from_item(cls, item: Item) -> DocumentVersion:
        document_id, number = item["SK"].removeprefix(GROUP_DOCUMENT_PREFIX).split(VERSION_INFIX)
        return from_attributes(cls, item, document_id=document_id, number=int(number))


@dataclass(frozen=True)
class DocumentHistory:
    """A document with every version, newest first."""

    document: GroupDocument
    versions: list[DocumentVersion]

    @property
    def current(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def changed_at(self) -> datetime:
        """When its newest version came, or (without one) when it was made."""
        return self.versions[0].uploaded_at if self.versions else self.document.created_at

    def version(self, number: int) -> DocumentVersion | None:
        return next((v for v in self.versions if v.number == number), None)


def histories(items: list[Item]) -> list[DocumentHistory]:
    """The documents among a group's items (as one Query of its partition gives them), each with its
    versions, the one changed last first."""
    documents = [GroupDocument.from_item(i) for i in items if i.get("type") == DOCUMENT_TYPE]
    versions = [DocumentVersion.from_item(i) for i in items if i.get("type") == VERSION_TYPE]
    found = [
        DocumentHistory(d, sorted((v for v in versions if v.document_id == d.id), key=lambda v: -v.number))
        for d in documents
    ]
    return sorted(found, key=lambda h: h.changed_at, reverse=True)

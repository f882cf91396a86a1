"""An export: a CSV or Excel file an organiser asked for, built off the request path and fetched from S3.

Key layout (single table; see docs/data-model.md):
  EXPORT#{id} / #EXPORT   what was asked, by whom, and how far (expires with the table's TTL)
The file is `exports/{id}/{filename}` in the private bucket; a lifecycle rule removes it after a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.core.dynamo import Item
from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import EXPORT_SK, export_id_of, export_pk
from chalicelib.core.object_keys import export_object
from chalicelib.core.vocabulary import words

# how long a finished file can be fetched: the bucket's lifecycle rule removes it after a day
KEPT = timedelta(days=1)


class ExportKind(StrEnum):
    REGISTRATIONS = "registrations"  # one event's registrations
    SUBSCRIBERS = "subscribers"  # every member who takes the newsletter
    EVALUATION = "evaluation"  # one event's evaluation answers, anonymous
    CERTIFICATES = "certificates"  # a certificate of attendance for everyone checked in, one PDF


words(ExportKind)


class ExportFormat(StrEnum):
    CSV = "csv"  # semicolons and a byte order mark, for Dutch Excel and any other program
    XLSX = "xlsx"  # an Excel workbook, every cell text
    PDF = "pdf"  # certificates only


words(ExportFormat)


class ExportStatus(StrEnum):
    QUEUED = "queued"  # on the queue; the worker has not finished the file
    DONE = "done"


words(ExportStatus)


@dataclass
class Export:
    """A file an organiser asked for (registrations, subscribers, ...), made by the export worker and kept for a day."""

    id: str = field(metadata=kept_out)  # in the key
    kind: ExportKind
    created_by: str
    created_at: datetime
    filename: str
    event_slug: str = ""
    event_title: str = ""
    language: str = "nl"  # of the organiser who asked: the file's headers and statuses
    file_format: ExportFormat = ExportFormat.CSV
    status: ExportStatus = ExportStatus.QUEUED
    rows: int = 0
    finished_at: datetime | None = None

    @property
    def file_key(self) -> str:
        return export_object(self.id, self.filename)

    def expired(self, now: datetime) -> bool:
        return now - self.created_at > KEPT

    def to_item(self) -> Item:
        return {
            "PK": export_pk(self.id),
            "SK": EXPORT_SK,
            "type": "export",
            **attributes(self),
            # the table's TTL removes the record a week after the file is gone
            "expires_at": int((self.created_at + KEPT + timedelta(days=7)).timestamp()),
        }

    @classmethod
    def from_item(cls, item: Item) -> Export:
        return from_attributes(cls, item, id=export_id_of(item["PK"]))

"""Materials as the library stores them, and the bucket as a test inspects it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from chalicelib.core import aws, clock, config
from chalicelib.core.keys import scoped_object
from chalicelib.core.object_keys import INCOMING_PREFIX, document_object
from chalicelib.library import files, materials
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
from chalicelib.library.store import library_store
from tests.support.aws import deliver_index
from tests.support.documents import pdf
from tests.support.web import FormSession, upload_through_page

SLUG = "netwerkbijeenkomst-test"
PDF = pdf("Polarisatie in de wijk")


def s3_objects() -> list[tuple[str, str]]:
    """Every version in the bucket, so that 'gone' means gone, not hidden behind a delete marker."""
    versions = aws.s3().list_object_versions(Bucket=config.bucket_name())
    return [(v["Key"], v["VersionId"]) for v in versions.get("Versions", [])]


def kept_at(arrived: str) -> str:
    """Where a speaker's upload that arrived at `arrived` (under incoming/) is kept once it passes the check."""
    assert arrived.startswith(INCOMING_PREFIX), arrived
    return arrived.removeprefix(INCOMING_PREFIX)


def upload_as_s3_would(visitor: FormSession, token: str, content: bytes, filename: str = "Mijn dia's.pdf") -> str:
    """Store what the speaker's browser sends to S3 with the form on their page; return the key."""
    return upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), content, filename)


def put_material(
    access: str, status: str = "published", event_slug: str = SLUG, title: str | None = None, **extra
) -> Material:
    material_id = f"{event_slug or '_'}.{secrets.token_hex(6)}"
    key = document_object(material_id, f"{'0' * 16}.pdf")
    files.put(key, PDF, "pdf", "verslag.pdf")
    material = Material(
        id=material_id,
        title=title or f"Materiaal voor {access}",
        file_type=FileType.PDF,
        access=MaterialAccess(access),
        date=datetime(2027, 3, 18).date(),
        object_key=key,
        size=len(PDF),
        filename="verslag.pdf",
        uploaded_at=clock.now(),
        event_slug=event_slug,
        event_title="Netwerkbijeenkomst Maatschappelijk ongenoegen" if event_slug else "",
        status=MaterialStatus(status),
        themes=extra.get("themes", ("polarisatie",)),
        description=extra.get("description", ""),
        publish_from=extra.get("publish_from"),
    )
    materials.save(material)
    deliver_index()  # the index worker takes the change in
    return material


# -- reading files for search ---------------------------------------------------------------

# EXTRACT_SECONDS in tests that need a short limit: a file that keeps pypdf busy for seconds is
# stopped long before, and an ordinary one is read in a hundredth of that
SHORT_EXTRACT_SECONDS = "0.5"


def add_with_file(title: str, content: bytes, file_type: str = "pdf", access: str = "public") -> Material:
    """A published material (public unless `access` says) with this file at its own S3 version, saved
    as every change is (which queues the reading of its text)."""
    material_id = f"{SLUG}.{secrets.token_hex(6)}"
    key = document_object(material_id, f"{secrets.token_hex(4)}.{file_type}")
    files.put(key, content, file_type, f"bestand.{file_type}")
    material = Material(
        id=material_id,
        title=title,
        file_type=FileType(file_type),
        access=MaterialAccess(access),
        date=datetime(2027, 3, 18).date(),
        object_key=key,
        object_version=aws.s3().head_object(Bucket=config.bucket_name(), Key=key)["VersionId"],
        size=len(content),
        filename=f"bestand.{file_type}",
        uploaded_at=clock.now(),
        status=MaterialStatus.PUBLISHED,
    )
    materials.save(material)
    return material


def stored(material: Material) -> Material:
    """The material as the table holds it now."""
    again = library_store().material(material.id)
    assert again is not None
    return again


def found(visitor: FormSession, words: str) -> bool:
    """Whether the library's search finds anything for these words."""
    return "Geen materiaal gevonden." not in visitor.get(f"/kennisbank?q={quote(words)}").body.decode()


def messages_waiting(url: str) -> str:
    attributes = aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return attributes["Attributes"]["ApproximateNumberOfMessages"]


def document_reads(calls: list[str]) -> Callable[..., None]:
    """A botocore hook (before-parameter-build.s3.GetObject) that notes every read of a material's file."""

    def seen(params: dict[str, Any], **_: Any) -> None:
        if params["Key"].startswith((scoped_object("documents/"), scoped_object("uploads/"))):
            calls.append(params["Key"])

    return seen

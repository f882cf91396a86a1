"""Materials as the library stores them, and the bucket as a test inspects it."""

from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib.core import aws, clock, config
from chalicelib.core.keys import INCOMING_PREFIX
from chalicelib.library import files, materials
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
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
    key = f"documents/{material_id}/{'0' * 16}.pdf"
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

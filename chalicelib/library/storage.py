"""Files in S3: presigned uploads straight from the browser, checking what arrived,
and presigned downloads. No file passes through Lambda, whose requests stop at 6 MB.

moto enforces none of the presigned conditions (size, key, type), so `verify` checks
size, type and first bytes itself, and removes every version of a rejected object.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from chalicelib.core import aws, config, s3
from chalicelib.core.i18n import _
from chalicelib.library.model import FileType

# file type -> the content type it is stored and served with
FILE_TYPES: dict[str, str] = {
    FileType.PDF: "application/pdf",
    FileType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileType.ODP: "application/vnd.oasis.opendocument.presentation",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_ZIP = b"PK\x03\x04"
_OOXML_FOLDER = {"pptx": b"ppt/", "docx": b"word/"}


class UploadRejected(Exception):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    filename: str


def clean_filename(name: str, extension: str) -> str:
    """A name safe in a header and on any disk: ASCII letters, digits, dot, dash, underscore."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem[: -(len(extension) + 1)] if stem.lower().endswith("." + extension) else stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80]
    return f"{stem or 'bestand'}.{extension}"


def presigned_upload(key: str, extension: str, redirect: str | None) -> dict[str, Any]:
    """A form for POSTing one file to `key`: exact key, fixed type, size limit, 10 minutes.

    With `redirect`, S3 sends the browser back there (plain form); without, it
    answers 201 (the script's upload, which then goes there itself).
    """
    fields: dict[str, str] = {"Content-Type": FILE_TYPES[extension]}
    conditions: list[Any] = [
        {"Content-Type": FILE_TYPES[extension]},
        ["content-length-range", 1, config.upload_max_bytes()],
        ["starts-with", "$x-amz-meta-filename", ""],
    ]
    if redirect:
        fields["success_action_redirect"] = redirect
        conditions.append({"success_action_redirect": redirect})
    else:
        fields["success_action_status"] = "201"
        conditions.append({"success_action_status": "201"})
    form: dict[str, Any] = aws.s3().generate_presigned_post(
        config.bucket_name(), key, Fields=fields, Conditions=conditions, ExpiresIn=config.UPLOAD_URL_SECONDS
    )
    return form


def _looks_like(extension: str, head: bytes, tail: bytes) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "odp":
        # ODF keeps an uncompressed 'mimetype' entry first, holding the exact type
        return head.startswith(_ZIP) and head[30:38] == b"mimetype" and FILE_TYPES["odp"].encode() in head[38:120]
    return head.startswith(_ZIP) and _OOXML_FOLDER[extension] in tail


def verify(key: str, extension: str) -> StoredFile:
    """Check an uploaded object; on any failure delete it (every version) and raise UploadRejected."""
    s3, bucket = aws.s3(), config.bucket_name()
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        raise UploadRejected(_("Het bestand is niet aangekomen. Probeer het opnieuw.")) from error
    size = int(head["ContentLength"])
    if size > config.upload_max_bytes() or size == 0:
        delete(key)
        raise UploadRejected(_("Het bestand is te groot (maximaal %(max)d MB).")) from None
    if head.get("ContentType") != FILE_TYPES[extension]:
        delete(key)
        raise UploadRejected(_("Het bestand is niet van het gekozen type."))
    first = s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-255")["Body"].read()
    last = (
        s3.get_object(Bucket=bucket, Key=key, Range="bytes=-65536")["Body"].read()
        if extension in _OOXML_FOLDER
        else b""
    )
    if not _looks_like(extension, first, last):
        delete(key)
        raise UploadRejected(_("De inhoud van het bestand past niet bij het gekozen type."))
    # the upload script sends the original name percent-encoded (S3 metadata is ASCII);
    # a plain form cannot, and the caller names the file
    original = unquote(head.get("Metadata", {}).get("filename", ""))
    filename = clean_filename(original, extension) if original else ""
    return StoredFile(key, size, filename)


def delete(key: str) -> None:
    """Remove an object and all its versions (the bucket keeps versions)."""
    s3, bucket = aws.s3(), config.bucket_name()
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key)
    for entry in [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]:
        if entry["Key"] == key:
            s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])


def download_url(key: str, filename: str, extension: str) -> str:
    return s3.download_url(key, filename, FILE_TYPES[extension])


def put(key: str, content: bytes, extension: str, filename: str) -> None:
    """For organisers' documents from the command line; checked by `verify` like any upload."""
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=key,
        Body=content,
        ContentType=FILE_TYPES[extension],
        Metadata={"filename": filename},
    )

"""Files in S3: presigned uploads straight from the browser, checking what arrived,
and presigned downloads. No file passes through a Lambda request, which stops at 6 MB.

S3 holds an upload to the presigned conditions (size, key prefix; moto not even to those) but
never looks inside it, and neither a name nor a declared type says what a file is. So `verify`
reads the object back once (past 8 MB into a temporary file, never more than the upload limit),
checks its size, and reads its type from its content (`content_check.py`).
An object that fails, or whose check could not finish, is deleted with all its versions; should
that delete fail as well, it is logged and left, but it never becomes material. A speaker's upload
arrives under incoming/ and the checked version is copied out of it (`keep`) to where it is kept;
that version is what the material's downloads and the index read, so a later upload through the
same presigned form (valid for an hour) never replaces a checked file with an unchecked one.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import unquote

from botocore.exceptions import ClientError, IncompleteReadError

from chalicelib.core import aws, config, observability, s3
from chalicelib.core.errors import ServiceBusy
from chalicelib.core.faults import is_passing
from chalicelib.core.i18n import _
from chalicelib.core.object_keys import INCOMING_PREFIX
from chalicelib.library import content_check
from chalicelib.library.model import FILE_TYPE_NAMES, FILE_TYPES, FileType

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import CopySourceTypeDef

# S3's answers for an object or version that is not (or no longer) there
_GONE = ("404", "NoSuchKey", "NoSuchVersion")
# Lambda keeps this much of an object in memory; the rest goes to a temporary file on /tmp
_SPOOL_BYTES = 8 * 1024 * 1024


class UploadRejected(Exception):
    """Why an upload was not kept: a message for the visitor (msgid and its parameters) and a reason."""

    def __init__(self, msgid: str, reason: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params
        # for the UploadsRejected metric: not_arrived, too_large, wrong_type, wrong_content, zip_bomb
        self.reason = reason
        observability.count("UploadsRejected", reason=reason)


def not_arrived() -> UploadRejected:
    """The object is not (or no longer) where the upload should have put it."""
    return UploadRejected(_("Het bestand is niet aangekomen. Probeer het opnieuw."), "not_arrived")


def arrived(key: str) -> StoredFile | None:
    """`verify`, or None when the object is gone: the other check of the same upload (the browser's or
    S3's notification) kept and removed it meanwhile, or it never came. Any other refusal raises."""
    try:
        return verify(key)
    except UploadRejected as rejected:
        if rejected.reason != "not_arrived":
            raise
        return None


@dataclass(frozen=True)
class StoredFile:
    """An uploaded object that passed the checks, by the S3 version that was checked."""

    key: str
    size: int
    filename: str
    version: str  # the S3 version that was checked
    file_type: FileType  # read from the content


def clean_filename(name: str, extension: str) -> str:
    """A name safe in a header and on any disk: ASCII letters, digits, dot, dash, underscore, ending in
    `extension` (the type read from the content) instead of whatever accepted type the name claimed."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, claimed = base.rpartition(".")
    stem = stem if dot and claimed.lower() in FILE_TYPES else base
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80]
    return f"{stem or 'bestand'}.{extension}"


@dataclass(frozen=True)
class UploadTarget:
    """Where one choice on an upload form sends the file: a slot, an event, or none ("" as label)."""

    key: str
    label: str
    when: date | None = None  # shown before the label


@dataclass(frozen=True)
class UploadForm:
    """One presigned POST for any of `targets`, picked on the form (the `key` field), with any file
    type: the type is found in the file when it arrives. Two signed variants: a plain form, which S3
    answers by sending the browser to `done`, and upload.js's, which S3 answers with 201."""

    url: str
    plain: dict[str, str]
    scripted: dict[str, str]
    targets: list[UploadTarget]
    done: str  # where the browser goes after the upload, with ?key=


def upload_form(prefix: str, targets: list[UploadTarget], done: str) -> UploadForm:
    """Presigned forms for keys under `prefix` only, of at most the upload limit, for an hour."""
    plain = s3.upload_post(prefix, config.upload_max_bytes(), redirect=done)
    scripted = s3.upload_post(prefix, config.upload_max_bytes(), redirect=None)
    return UploadForm(plain["url"], plain["fields"], scripted["fields"], targets, done)


def verify(key: str) -> StoredFile:
    """Check an uploaded object before it becomes material: its size, and that its content is one
    of the accepted types (which one is read from the content, not from a name or a declared type).

    Raises UploadRejected when the object is wrong or never arrived, ServiceBusy when S3 failed in
    passing (throttled, a 5xx, no connection); any other error goes up as it is. The object is deleted
    first, every version of it (see `core/s3.discard`), except after a passing fault under `incoming/`: there
    the upload stays for the check's next try (S3's notification comes back to the upload worker,
    the speaker is told to try again), and the lifecycle rule removes it if nobody keeps it.
    """
    try:
        return _checked(key)
    except Exception as error:
        # a body cut short is a connection lost half-way
        passing = is_passing(error) or isinstance(error, IncompleteReadError)
        if not (passing and key.startswith(INCOMING_PREFIX)):
            s3.discard(key)
        if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _GONE:
            raise not_arrived() from error
        if passing:
            raise ServiceBusy() from error
        raise


def _checked(key: str) -> StoredFile:
    response = aws.s3().get_object(Bucket=config.bucket_name(), Key=key)
    body = response["Body"]
    try:
        size = int(response["ContentLength"])
        if size > config.upload_max_bytes() or size == 0:
            raise UploadRejected(
                _("Het bestand is te groot (maximaal %(max)d MB)."), "too_large", max=config.upload_max_bytes() // 2**20
            )
        with tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as copy:
            for chunk in body.iter_chunks(1024 * 1024):
                copy.write(chunk)
            file_type = content_check.detect(copy)
            if file_type is None:
                raise UploadRejected(
                    _("Dit is geen PDF, PowerPoint (pptx), OpenDocument-presentatie (odp) of Word (docx)."),
                    "wrong_type",
                )
            if not content_check.fits(file_type, copy):
                raise UploadRejected(
                    _("Het bestand lijkt een %(type)s-bestand, maar is beschadigd of niet te openen."),
                    "wrong_content",
                    type=FILE_TYPE_NAMES[file_type],
                )
            if file_type != FileType.PDF and content_check.is_zip_bomb(copy):
                raise UploadRejected(
                    _(
                        "Dit %(type)s-bestand pakt uit tot veel meer dan een gewoon bestand (samen meer dan %(max)d MB, of een onderdeel meer dan %(ratio)d keer zo groot als ingepakt). Zo'n bestand nemen we niet aan: sla het opnieuw op en probeer het nog eens."
                    ),
                    "zip_bomb",
                    type=FILE_TYPE_NAMES[file_type],
                    max=content_check.UNPACKED_LIMIT_MB,
                    ratio=content_check.PACKING_RATIO_LIMIT,
                )
    finally:
        body.close()
    # the upload script sends the original name percent-encoded (S3 metadata is ASCII);
    # a plain form cannot, and the caller names the file
    original = unquote(response.get("Metadata", {}).get("filename", ""))
    filename = clean_filename(original, file_type) if original else ""
    return StoredFile(key, size, filename, str(response.get("VersionId", "")), file_type)


def keep(stored: StoredFile, key: str) -> StoredFile | None:
    """Copy the checked version of an arrived upload to where it is kept (a copy inside the bucket);
    None when that version is gone, as when another check of the same upload kept it and removed it
    first. ServiceBusy when S3 failed in passing. The arrived object is left either way: a retry
    checks it again, and what is never kept the lifecycle rule removes."""
    source: CopySourceTypeDef = {"Bucket": config.bucket_name(), "Key": stored.key}
    if stored.version:
        source["VersionId"] = stored.version
    try:
        copied = aws.s3().copy_object(Bucket=config.bucket_name(), Key=key, CopySource=source)
    except Exception as error:
        if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _GONE:
            return None
        if is_passing(error):
            raise ServiceBusy() from error
        raise
    return StoredFile(key, stored.size, stored.filename, str(copied.get("VersionId", "")), stored.file_type)


def download_url(key: str, filename: str, extension: str, version: str) -> str:
    return s3.download_url(key, filename, FILE_TYPES[extension], version)


def put(key: str, content: bytes, extension: str, filename: str) -> None:
    """For organisers' documents from the command line; checked by `verify` like any upload."""
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=key,
        Body=content,
        ContentType=FILE_TYPES[extension],
        Metadata={"filename": filename},
    )

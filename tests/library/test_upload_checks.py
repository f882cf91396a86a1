"""What an uploaded file must be before it becomes material, and what a failing S3 does to an upload.

Every case goes through the real routes: the speaker's completion link (`/spreker/{token}/klaar`)
or the organiser's (`/beheer/documenten/klaar`), against moto's S3. moto never fails, so faults
are injected with botocore event hooks on the app's own S3 client.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.response import StreamingBody
from chalice.test import Client
from urllib3.exceptions import ProtocolError

from chalicelib.core import aws, config
from chalicelib.core.object_keys import INCOMING_PREFIX, incoming
from chalicelib.library import files, speakers
from chalicelib.library.model import FILE_TYPES
from chalicelib.library.store import library_store
from tests.support.accounts import make_account, sign_in
from tests.support.documents import docx, odp, pdf, pptx, zipped
from tests.support.library import kept_at
from tests.support.web import FormSession, upload_through_page

SLUG = "netwerkbijeenkomst-test"
# a file of no accepted type, and one that carries a type's signature but is not whole
NO_TYPE = "Dit is geen PDF, PowerPoint (pptx), OpenDocument-presentatie (odp) of Word (docx)."
BROKEN = "bestand, maar is beschadigd of niet te openen."
BUSY = "Het is even te druk. Probeer het over een moment opnieuw."
NOT_ARRIVED = "Het bestand is niet aangekomen."
SPEAKER_FILE_NAME = "Annemarie van Hinsberg - dia's.pdf"  # personal: must never reach a log


# -- files -----------------------------------------------------------------------------


REAL = {"pdf": pdf("Dia een", "Dia twee"), "docx": docx(), "pptx": pptx(), "odp": odp()}


def polyglot(marker: bytes) -> bytes:
    """A PDF that pypdf reads, with an HTML document in a comment right after the header."""
    return pdf("Dia een", comment=marker + b"<body onload=alert(document.domain)>")


def corrupted(content: bytes, part: str) -> bytes:
    """The zip with the compressed bytes of one part overwritten: the directory is intact, the data not."""
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return content[:start] + b"\xff" * info.compress_size + content[start + info.compress_size :]


MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "odp": "content.xml"}


# -- the two ways in ----------------------------------------------------------------------


@pytest.fixture
def speaker(make_event: Callable[..., Any]) -> str:
    make_event()
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    return url.rsplit("/", 1)[1]


@pytest.fixture
def organiser(client: Client, make_event: Callable[..., Any]) -> FormSession:
    make_event()
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def as_s3_would(key: str, file_type: str, content: bytes, filename: str) -> None:
    """Store what a browser's POST to S3 would, again to a key a page offered before."""
    files.put(key, content, file_type, quote(filename))  # the name percent-encoded, as upload.js sends it


def speaker_upload(visitor: FormSession, token: str, file_type: str, content: bytes) -> Any:
    """Upload a file named as `file_type` with the form on the speaker's page, then come back the way
    S3 sends the browser back."""
    page = visitor.get(f"/spreker/{token}").body.decode()
    key = upload_through_page(page, content, SPEAKER_FILE_NAME.replace(".pdf", "." + file_type))
    return visitor.get(f"/spreker/{token}/klaar?key={quote(key)}")


def organiser_upload(organiser: FormSession, file_type: str, content: bytes) -> Any:
    page = organiser.get("/beheer/documenten/nieuw").body.decode()
    key = upload_through_page(page, content, "Handreiking." + file_type, choice="Geen")
    return organiser.get(f"/beheer/documenten/klaar?key={quote(key)}")


def s3_objects() -> list[tuple[str, str]]:
    """Every version in the bucket, so that 'gone' means gone, not hidden behind a delete marker."""
    versions = aws.s3().list_object_versions(Bucket=config.bucket_name())
    return [(v["Key"], v["VersionId"]) for v in versions.get("Versions", [])]


def assert_rejected_and_gone(response: Any, message: str = BROKEN) -> None:
    assert response.status_code == 422
    assert message in response.body.decode()
    assert s3_objects() == []
    assert library_store().all_materials() == []


# -- content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [b"<html>", b"<SCRIPT>alert(1)</SCRIPT>", b"<!DOCTYPE html>"])
def test_a_pdf_that_is_also_an_html_page_is_rejected_and_removed(
    speaker: str, visitor: FormSession, marker: bytes
) -> None:
    assert_rejected_and_gone(speaker_upload(visitor, speaker, "pdf", polyglot(marker)))


def test_an_organisers_pdf_html_polyglot_is_rejected_and_removed(organiser: FormSession) -> None:
    assert_rejected_and_gone(organiser_upload(organiser, "pdf", polyglot(b"<html><script>alert(1)</script>")))


@pytest.mark.parametrize(("file_type", "folder"), [("docx", b"word/document.xml"), ("pptx", b"ppt/presentation.xml")])
def test_a_zip_signature_with_html_and_a_part_name_is_no_office_file(
    organiser: FormSession, file_type: str, folder: bytes
) -> None:
    content = b"PK\x03\x04" + b"<html><script>alert(document.cookie)</script></html>" + folder
    assert_rejected_and_gone(organiser_upload(organiser, file_type, content))


def test_a_speakers_fake_docx_is_rejected_and_removed(speaker: str, visitor: FormSession) -> None:
    content = b"PK\x03\x04<html><script>alert(1)</script></html>" + b" " * 300 + b"word/document.xml"
    assert_rejected_and_gone(speaker_upload(visitor, speaker, "docx", content))


@pytest.mark.parametrize("file_type", ["docx", "pptx", "odp"])
@pytest.mark.parametrize(
    "damage",
    [lambda c, _: c[: len(c) // 2], lambda c, _: c[:-10], corrupted],
    ids=["half", "no-end-record", "bad-main-part"],
)
def test_a_truncated_or_corrupt_zip_is_rejected_and_removed(
    speaker: str, visitor: FormSession, file_type: str, damage: Callable[[bytes, str], bytes]
) -> None:
    content = damage(REAL[file_type], MAIN_PART[file_type])
    assert_rejected_and_gone(speaker_upload(visitor, speaker, file_type, content))


@pytest.mark.parametrize(
    ("file_type", "content"),
    [
        ("docx", zipped({"[Content_Types].xml": b"<x/>", "word/styles.xml": b"<w/>"})),  # no document part
        ("pptx", zipped({"ppt/presentation.xml": b"<p/>"})),  # no [Content_Types].xml
        ("odp", zipped({"content.xml": b"<o/>", "mimetype": FILE_TYPES["odp"].encode()})),  # mimetype not first
        ("odp", zipped({"mimetype": FILE_TYPES["odp"].encode(), "content.xml": b"<o/>"})),  # mimetype compressed
    ],
    ids=["docx-without-document", "pptx-without-content-types", "odp-mimetype-late", "odp-mimetype-deflated"],
)
def test_a_zip_without_the_parts_its_type_requires_is_rejected(
    speaker: str, visitor: FormSession, file_type: str, content: bytes
) -> None:
    # an odp's signature is its stored mimetype entry first: without it, the zip is of no accepted type
    message = NO_TYPE if file_type == "odp" else BROKEN
    assert_rejected_and_gone(speaker_upload(visitor, speaker, file_type, content), message)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n",  # no cross-reference table, no trailer, no pages
        b"%PDF-1.4\n" + b"\x00" * 2000,
        b"%PDF-1.4\n" + b"\x00" * 2000 + b"\nstartxref\n9\n%%EOF\n",  # ends as a PDF does, holds nothing
        pdf("Dia")[:60],  # cut off
    ],
    ids=["no-trailer", "zeros", "zeros-with-end", "cut-off"],
)
def test_a_pdf_that_pypdf_cannot_read_is_rejected_and_removed(
    speaker: str, visitor: FormSession, content: bytes
) -> None:
    assert_rejected_and_gone(speaker_upload(visitor, speaker, "pdf", content))


def test_a_pdf_whose_end_marker_is_not_where_readers_look_is_rejected(speaker: str, visitor: FormSession) -> None:
    """Without %%EOF in its last 1,024 bytes pypdf would search the whole file backwards, line by line."""
    content = pdf("Dia") + b"% trailing lines\n" * 100
    assert_rejected_and_gone(speaker_upload(visitor, speaker, "pdf", content))


@pytest.mark.parametrize(("xref_pointer", "status"), [(None, 303), (b"999999", 422)], ids=["sound", "to-repair"])
def test_a_pdf_that_would_keep_pypdf_repairing_is_rejected(
    speaker: str, visitor: FormSession, monkeypatch: pytest.MonkeyPatch, xref_pointer: bytes | None, status: int
) -> None:
    """A wrong pointer to the cross-reference table makes pypdf rebuild it from every `obj` in the file (here
    20,000 in comments), a million reads for 750 KB; the sound file takes a few hundred."""
    monkeypatch.setattr("chalicelib.library.content_check._PDF_STEPS", 100_000)
    content = pdf("Dia", comment=b"\n%".join(b"%d 0 obj << /Type /Page >> endobj" % n for n in range(10, 20_000)))
    if xref_pointer:
        head, _offset = content.rsplit(b"startxref\n", 1)
        content = head + b"startxref\n" + xref_pointer + b"\n%%EOF\n"
    response = speaker_upload(visitor, speaker, "pdf", content)
    assert response.status_code == status
    assert len(s3_objects()) == (1 if status == 303 else 0)


@pytest.mark.parametrize("file_type", list(REAL))
def test_real_files_of_each_type_are_accepted(
    speaker: str, visitor: FormSession, organiser: FormSession, file_type: str
) -> None:
    """The negative control: the checks above reject what is wrong, not what is merely small."""
    assert speaker_upload(visitor, speaker, file_type, REAL[file_type]).status_code == 303
    assert organiser_upload(organiser, file_type, REAL[file_type]).status_code == 303
    assert {m.file_type for m in library_store().all_materials()} == {file_type}
    assert len(s3_objects()) == 2


def test_html_after_the_first_kilobytes_of_a_real_pdf_is_no_reason_to_refuse(
    speaker: str, visitor: FormSession
) -> None:
    """Browsers sniff only the start of a file; text about <script> tags on page 9 is fine."""
    content = pdf("x" * 9000, "Zet nooit een <script> in een sjabloon")
    assert speaker_upload(visitor, speaker, "pdf", content).status_code == 303


# -- S3 failing during the check -----------------------------------------------------------------


@contextmanager
def failing(operations: tuple[str, ...], error: Exception) -> Iterator[None]:
    """The app's S3 client raises `error` for these operations (retries spent), as real S3 may."""

    def fail(**_: object) -> None:
        raise error

    events = aws.s3().meta.events
    for operation in operations:
        events.register_first(f"before-call.s3.{operation}", fail, unique_id=f"fail-{operation}")
    try:
        yield
    finally:
        for operation in operations:
            events.unregister(f"before-call.s3.{operation}", unique_id=f"fail-{operation}")


def s3_error(code: str, status: int, operation: str = "GetObject") -> ClientError:
    response = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(cast(Any, response), operation)


READS = ("HeadObject", "GetObject")
DELETES = ("ListObjectVersions", "DeleteObject")
PASSING_FAULTS = {
    "no-connection": EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com"),
    "slow-down": s3_error("SlowDown", 503),
    "unavailable": s3_error("ServiceUnavailable", 503),
    "head-503": s3_error("503", 503, "HeadObject"),  # HEAD answers carry no body, hence no error code
    "internal": s3_error("InternalError", 500),
}


def assert_busy_and_gone(response: Any) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.body.decode()
    assert BUSY in body
    assert NOT_ARRIVED not in body
    assert s3_objects() == []
    assert library_store().all_materials() == []


def assert_busy_and_kept_for_the_next_try(response: Any, visitor: FormSession, token: str) -> None:
    """A speaker's upload survives a passing fault of its check: it waits under incoming/ (S3's
    notification brings it back to the upload worker; the lifecycle rule removes it if nobody keeps
    it), and the next try keeps it."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert BUSY in response.body.decode()
    [(key, _version)] = s3_objects()
    assert key.startswith(INCOMING_PREFIX)
    assert library_store().all_materials() == []
    assert visitor.get(f"/spreker/{token}/klaar?key={quote(key)}").status_code == 303
    assert len(library_store().all_materials()) == 1


@pytest.mark.parametrize("fault", list(PASSING_FAULTS))
def test_a_passing_s3_fault_during_the_check_is_busy_and_the_upload_waits_for_the_next_try(
    speaker: str, visitor: FormSession, fault: str
) -> None:
    with failing(READS, PASSING_FAULTS[fault]):
        response = speaker_upload(visitor, speaker, "pdf", REAL["pdf"])
    assert_busy_and_kept_for_the_next_try(response, visitor, speaker)


def test_a_passing_s3_fault_during_an_organisers_check_is_busy_and_the_object_is_removed(
    organiser: FormSession,
) -> None:
    with failing(READS, s3_error("SlowDown", 503)):
        response = organiser_upload(organiser, "docx", REAL["docx"])
    assert_busy_and_gone(response)


class BrokenStream(io.BytesIO):
    """A body whose connection is reset before its first byte arrives."""

    def read(self, size: int | None = -1, /) -> bytes:
        raise ProtocolError("Connection broken: ConnectionResetError(104, 'Connection reset by peer')")


def test_a_connection_lost_while_reading_the_object_is_busy_and_the_upload_waits_for_the_next_try(
    speaker: str, visitor: FormSession
) -> None:
    def cut(parsed: dict[str, Any], **_: object) -> None:
        if "Body" in parsed:
            parsed["Body"] = StreamingBody(BrokenStream(), parsed["ContentLength"])

    events = aws.s3().meta.events
    events.register("after-call.s3.GetObject", cut, unique_id="cut")
    try:
        response = speaker_upload(visitor, speaker, "pdf", REAL["pdf"])
    finally:
        events.unregister("after-call.s3.GetObject", unique_id="cut")
    assert_busy_and_kept_for_the_next_try(response, visitor, speaker)


def test_an_upload_that_never_arrived_is_still_reported_as_such(speaker: str, visitor: FormSession) -> None:
    """The negative control: only a real 404 is 'did not arrive'."""
    [target] = speakers.upload_form(speaker, speakers.open_link(speaker)).targets  # nothing sent to it
    response = visitor.get(f"/spreker/{speaker}/klaar?key={quote(target.key)}")
    assert response.status_code == 422
    assert NOT_ARRIVED in response.body.decode()


def test_when_the_clean_up_fails_too_the_object_never_becomes_material_and_a_warning_is_logged(
    organiser: FormSession, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), failing(READS + DELETES, s3_error("SlowDown", 503)):
        response = organiser_upload(organiser, "docx", REAL["docx"])
    assert response.status_code == 503
    assert library_store().all_materials() == []
    [key] = [k for k, _ in s3_objects()]  # left behind: the delete failed
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING and key in r.getMessage()]
    assert "Handreiking" not in warning.getMessage()
    assert "org@zwijndrecht.nl" not in caplog.text


@pytest.mark.parametrize(
    "error",
    [EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com"), s3_error("AccessDenied", 403)],
    ids=["no-connection", "access-denied"],
)
def test_a_failed_delete_of_the_replaced_file_keeps_the_new_one(
    speaker: str, visitor: FormSession, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    assert speaker_upload(visitor, speaker, "pdf", REAL["pdf"]).status_code == 303
    [first] = library_store().all_materials()
    with caplog.at_level(logging.WARNING), failing(DELETES, error):
        response = speaker_upload(visitor, speaker, "pdf", pdf("Nieuwe versie"))
    assert response.status_code == 303
    [material] = library_store().all_materials()
    assert material.id == first.id
    assert material.object_key != first.object_key
    # both kept files stay (the old one's delete failed), and so does the new upload's arrival, whose
    # delete failed too: the lifecycle rule removes what is left under incoming/
    kept = sorted(k for k, _ in s3_objects() if not k.startswith(INCOMING_PREFIX))
    assert kept == sorted([first.object_key, material.object_key])
    assert [k for k, _ in s3_objects() if k.startswith(INCOMING_PREFIX)] == [incoming(material.object_key)]
    assert any(first.object_key in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "Annemarie" not in caplog.text


# -- the checked version --------------------------------------------------------------------------


def test_a_second_upload_through_the_same_form_never_replaces_the_checked_file(
    speaker: str, visitor: FormSession
) -> None:
    """The presigned form stays valid for an hour on its prefix: whatever arrives at a key after the
    check is not what downloads and the index read."""
    from urllib.parse import parse_qs, urlsplit

    from chalicelib.library import files, search_files

    checked = pdf("Dia een")
    key = upload_through_page(visitor.get(f"/spreker/{speaker}").body.decode(), checked, "dia.pdf")
    assert visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}").status_code == 303
    as_s3_would(key, "pdf", polyglot(b"<html><script>alert(1)</script>"), "dia.pdf")  # the form, used again

    [material] = library_store().all_materials()
    assert material.object_key == kept_at(key)
    url = files.download_url(material.object_key, material.filename, "pdf", material.object_version)
    [version] = parse_qs(urlsplit(url).query)["versionId"]
    assert version == material.object_version
    assert search_files.file_content(material.object_key, material.object_version) == checked
    # the form writes only under incoming/: nothing unchecked reaches the key the file is kept at
    assert search_files.file_content(material.object_key, "") == checked
    # negative control: the second upload did arrive, unchecked, where the form sent it
    assert search_files.file_content(key, "") != checked


def test_coming_back_twice_after_a_bad_second_upload_keeps_the_checked_file(speaker: str, visitor: FormSession) -> None:
    """The completion link opened again (a reload) after a bad file went up through the same form:
    the material keeps its checked version, and nothing of it is deleted."""
    key = upload_through_page(visitor.get(f"/spreker/{speaker}").body.decode(), pdf("Dia een"), "dia.pdf")
    assert visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}").status_code == 303
    [material] = library_store().all_materials()
    as_s3_would(key, "pdf", polyglot(b"<html><script>alert(1)</script>"), "dia.pdf")

    assert visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}").status_code == 303

    assert library_store().all_materials() == [material]
    assert (material.object_key, material.object_version) in s3_objects()
    assert key not in [k for k, _ in s3_objects()]  # the bad second upload is removed, never checked or kept

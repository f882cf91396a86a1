"""Reading the text of untrusted files for search: a budget that holds whatever the file does, each
early stop recorded with its reason where organisers see it, zip bombs refused at the upload's
check, the reading done once per file version, and what failed taken up again by `manage.py reindex`.

The extraction and index workers run through the handlers Lambda calls (`deliver_*`, on moto's
queues and S3). The time limit is made small (EXTRACT_SECONDS) where a test needs it, so that a
file which keeps the parser busy for seconds costs the test half a second.
"""

from __future__ import annotations

import multiprocessing
import secrets
import zipfile
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

import manage
from chalicelib.core import aws
from chalicelib.core.object_keys import texts_prefix
from chalicelib.core.s3 import delete as delete_file
from chalicelib.library import content_check, extract, materials, search_files
from chalicelib.library.files import put as put_file
from chalicelib.library.model import FileType, TextProblem
from chalicelib.library.store import library_store
from devtools.resources import dead_letter_url
from tests.support.aws import LOCAL_STAGE, deliver_extractions, deliver_index, hooked
from tests.support.documents import busy_pdf, docx, pdf, zip_bomb_docx, zipped
from tests.support.faults import fault
from tests.support.library import (
    SHORT_EXTRACT_SECONDS,
    add_with_file,
    document_reads,
    found,
    messages_waiting,
    stored,
)
from tests.support.web import FormSession, upload_through_page

BUSY = busy_pdf(30_000)  # about a second of pypdf's work here, 30,000 letters of text


# -- the time limit -------------------------------------------------------------------------


def test_a_pdf_that_keeps_the_parser_busy_is_stopped_at_its_time_limit_and_the_reason_is_shown(
    monkeypatch: pytest.MonkeyPatch, organiser: FormSession, visitor: FormSession
) -> None:
    monkeypatch.setenv("EXTRACT_SECONDS", SHORT_EXTRACT_SECONDS)
    material = add_with_file("Zware dia's", busy_pdf(100_000))  # about 4 s of pypdf's work here

    deliver_index()

    assert stored(material).text_problem == TextProblem.TIME_LIMIT
    kept = search_files.extracted(stored(material))
    assert kept is not None
    assert kept.problem == TextProblem.TIME_LIMIT
    reason = "Tijdslimiet bereikt: de tekst is niet (helemaal) doorzoekbaar."
    assert reason in organiser.get("/beheer/materialen").body.decode()
    assert reason in organiser.get(f"/beheer/materialen/{material.id}").body.decode()
    assert found(visitor, "Zware")  # still found by its title


def test_negative_control_the_limit_is_what_stops_it_a_generous_one_lets_the_same_file_finish() -> None:
    stopped = extract.text_of(BUSY, FileType.PDF, seconds=float(SHORT_EXTRACT_SECONDS))
    finished = extract.text_of(BUSY, FileType.PDF, seconds=60)

    assert stopped.problem == TextProblem.TIME_LIMIT
    assert finished.problem is None
    assert finished.text.count("a") == 30_000


# -- the cheap limits inside the reading -----------------------------------------------------


def _office_text(pages: int) -> bytes:
    slides = {f"ppt/slides/slide{n}.xml": f"<p:sld xmlns:p='p'>dia{n}</p:sld>".encode() for n in range(1, pages + 1)}
    return zipped({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>", **slides})


LIMITS: list[tuple[str, str, int, bytes, FileType, TextProblem]] = [
    # (limit, its value in the test, file, type, reason)
    ("PAGE_LIMIT", "pages", 2, pdf("een", "twee", "drie"), FileType.PDF, TextProblem.TOO_LONG),
    ("TEXT_LIMIT", "characters", 10, _office_text(3), FileType.PPTX, TextProblem.TOO_LONG),
    ("STREAM_PARSING_LIMIT", "parsing work", 1_000, busy_pdf(1_000), FileType.PDF, TextProblem.TOO_COMPLEX),
    ("MEMORY_LIMIT_MB", "memory", 1, busy_pdf(30_000), FileType.PDF, TextProblem.TOO_LARGE),
]


@pytest.mark.parametrize(
    ("limit", "what", "value", "content", "file_type", "reason"), LIMITS, ids=[x[1] for x in LIMITS]
)
def test_each_cheap_limit_stops_the_reading_with_its_own_reason(
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    what: str,
    value: int,
    content: bytes,
    file_type: FileType,
    reason: TextProblem,
) -> None:
    """Each file is read whole under the stack's limits (the negative control), and stopped early,
    for its own reason, with the one limit made small."""
    assert extract.text_of(content, file_type, seconds=60).problem is None
    if limit == "MEMORY_LIMIT_MB":
        # The limit counts growth beyond the address space the child inherits, and a test process
        # that has run many tests holds free heap that the child fills without growing: read in a
        # fresh interpreter, as a worker's first reading would be.
        spawn = multiprocessing.get_context("spawn")
        receiving, sending = spawn.Pipe(duplex=False)
        fresh = spawn.Process(target=problem_with_limit, args=(limit, value, content, file_type, sending))
        fresh.start()
        found = receiving.recv()
        fresh.join()
        assert found == reason
        return
    monkeypatch.setattr(extract, limit, value)  # the child is forked: it reads the changed limit
    assert extract.text_of(content, file_type, seconds=60).problem == reason


def problem_with_limit(limit: str, value: int, content: bytes, file_type: FileType, answer: Connection) -> None:
    setattr(extract, limit, value)
    answer.send(extract.text_of(content, file_type, seconds=60).problem)


def test_a_zip_bomb_that_became_material_is_not_unpacked_and_says_why() -> None:
    """One that was never checked (it predates the check, or the portal wrote it): the reading
    refuses it by the check's own limits, without inflating a byte."""
    assert extract.text_of(zip_bomb_docx(), FileType.DOCX, seconds=60) == extract.Extracted("", TextProblem.TOO_LARGE)
    assert extract.text_of(docx(), FileType.DOCX, seconds=60) == extract.Extracted("", None)


def test_a_file_the_parser_fails_on_is_unreadable() -> None:
    assert extract.text_of(b"%PDF-1.4\n" + bytes(100), FileType.PDF, seconds=60).problem == TextProblem.UNREADABLE


# -- zip bombs at the upload's check -----------------------------------------------------------


ZIP_BOMB = "pakt uit tot veel meer dan een gewoon bestand"


def organiser_upload(organiser: FormSession, content: bytes) -> Any:
    page = organiser.get("/beheer/documenten/nieuw").body.decode()
    key = upload_through_page(page, content, "Handreiking.docx", choice="Geen")
    return organiser.get(f"/beheer/documenten/klaar?key={quote(key)}")


def test_a_zip_bomb_docx_is_refused_at_the_check_with_a_clear_message(organiser: FormSession) -> None:
    response = organiser_upload(organiser, zip_bomb_docx())

    assert response.status_code == 422
    assert ZIP_BOMB in response.body.decode()
    assert library_store().all_materials() == []
    assert aws.s3().list_object_versions(Bucket=LOCAL_STAGE["BUCKET_NAME"]).get("Versions", []) == []


def entry(unpacked_mb: float, packed_mb: float) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("word/media/image.bin")
    info.file_size, info.compress_size = int(unpacked_mb * 2**20), int(packed_mb * 2**20)
    return info


@pytest.mark.parametrize(
    ("entries", "bomb"),
    [
        ([entry(300, 300), entry(250, 250)], True),  # 550 MB in all, however loosely packed
        ([entry(300, 300), entry(150, 150)], False),
        ([entry(2, 0.01)], True),  # 200 to 1
        ([entry(2, 0.05)], False),  # 40 to 1, as XML may pack
        ([entry(0.9, 0.0001)], False),  # under a MiB, a tight packing costs nothing
    ],
)
def test_the_zip_limits_count_the_declared_sizes(entries: list[zipfile.ZipInfo], bomb: bool) -> None:
    assert content_check.unpacks_too_far(entries) is bomb


def test_negative_control_an_ordinary_docx_passes_the_check(organiser: FormSession) -> None:
    assert organiser_upload(organiser, docx()).status_code == 303
    assert len(library_store().all_materials()) == 1


def test_negative_control_a_large_part_that_packs_as_pictures_do_passes_the_check(organiser: FormSession) -> None:
    """Size alone is no bomb: 3 MB of a picture's random bytes packs about one to one."""
    out = zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document xmlns:w='w'/>",
            "word/media/image1.jpeg": secrets.token_bytes(3 * 2**20),
        }
    )
    assert organiser_upload(organiser, out).status_code == 303


# -- once per file version ---------------------------------------------------------------------


def test_a_file_version_is_read_once_and_a_replaced_one_anew(visitor: FormSession) -> None:
    material = add_with_file("Jaarverslag", pdf("eerstewoord"))
    reads: list[str] = []
    with hooked(aws.s3(), "before-parameter-build.s3.GetObject", document_reads(reads)):
        deliver_index()
        assert reads == [material.object_key]

        edited = stored(material)
        edited.title = "Jaarverslag 2027"
        materials.save(edited)  # an edit that changes no file: its message finds the reading done
        deliver_index()
        assert reads == [material.object_key]
        assert found(visitor, "eerstewoord 2027")

        put_file(material.object_key, pdf("tweedewoord"), "pdf", "bestand.pdf")
        replaced = stored(material)
        replaced.object_version = aws.s3().head_object(Bucket=LOCAL_STAGE["BUCKET_NAME"], Key=material.object_key)[
            "VersionId"
        ]
        materials.save(replaced)
        deliver_index()
    assert reads == [material.object_key] * 2
    assert found(visitor, "tweedewoord")
    assert not found(visitor, "eerstewoord")
    texts = aws.s3().list_objects_v2(Bucket=LOCAL_STAGE["BUCKET_NAME"], Prefix=texts_prefix(material.id))
    assert len(texts["Contents"]) == 1  # the replaced file's text is gone


def test_a_file_that_is_gone_gives_up_at_once_with_its_reason(moto: None) -> None:
    """It would fail on every delivery: recorded as unreadable on the first, never the dead-letter queue."""
    material = add_with_file("Weg", pdf("weg"))
    delete_file(material.object_key)

    deliver_index()

    assert stored(material).text_problem == TextProblem.UNREADABLE
    assert messages_waiting(dead_letter_url(LOCAL_STAGE["EXTRACT_QUEUE_URL"])) == "0"


# the local poller's own calls (Lambda's event source makes them in the stack)
POLLER = {"sqs.ReceiveMessage", "sqs.GetQueueAttributes", "sqs.DeleteMessage"}


def test_a_reading_costs_five_calls_and_a_repeat_three(aws_calls: Any) -> None:
    """A new file: the material, its (missing) kept text, the file, its text kept, the index told.
    The same version again: the material, its kept text, the index told."""
    material = add_with_file("Kosten", pdf("woord"))
    s3_calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        s3_calls[f"s3.{model.name}"] += 1

    with hooked(aws.s3(), "before-call.s3.*", count):
        aws_calls.reset()
        deliver_extractions()
        assert {c: n for c, n in aws_calls.calls.items() if c not in POLLER} == {
            "dynamodb.GetItem": 1,
            "sqs.SendMessage": 1,
        }
        assert s3_calls == {"s3.GetObject": 2, "s3.PutObject": 1}

        materials.save(stored(material))
        aws_calls.reset()
        s3_calls.clear()
        deliver_extractions()
        assert {c: n for c, n in aws_calls.calls.items() if c not in POLLER} == {
            "dynamodb.GetItem": 1,
            "sqs.SendMessage": 1,
        }
        assert s3_calls == {"s3.GetObject": 1}


# -- what failed, taken up again ----------------------------------------------------------------


def test_reindex_moves_the_extraction_dead_letters_back_and_they_are_read(visitor: FormSession) -> None:
    sqs, url = aws.sqs(), LOCAL_STAGE["EXTRACT_QUEUE_URL"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})  # failures come back at once
    # GIVEN a reading that failed on every receive (S3 down): SQS moved it to the dead-letter queue
    with fault(aws.s3(), "GetObject", connection=True):
        add_with_file("Verloren", pdf("teruggevondenwoord"))
        deliver_index()
    assert messages_waiting(dead_letter_url(url)) == "1"
    deliver_index()
    assert not found(visitor, "teruggevondenwoord")  # negative control: the workers alone never get to it

    # WHEN the operator runs `manage.py reindex`
    result = CliRunner().invoke(manage.reindex, [])

    # THEN it is read and indexed, and the dead-letter queue is empty
    assert result.exit_code == 0, result.output
    assert "1 message(s) moved back" in result.output
    deliver_index()
    assert found(visitor, "teruggevondenwoord")
    assert messages_waiting(dead_letter_url(url)) == "0"

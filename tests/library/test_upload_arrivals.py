"""Uploads checked without the speaker: S3 reports each object under incoming/ to the upload queue, and
the check (`check_upload` in views/jobs.py, the handler Lambda calls) keeps or removes it whether or not
the browser ever comes back to /spreker/{token}/klaar. In-process moto sends bucket notifications to
its SQS as S3 does; `deliver_uploads` runs the handler until the queue is empty.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus

import boto3
import pytest
import requests

from chalicelib.core import aws, config
from chalicelib.core.object_keys import INCOMING_PREFIX
from chalicelib.library import arrivals, speakers
from chalicelib.library.store import library_store
from devtools.invariants import unchecked_uploads
from devtools.resources import dead_letter_url, notify_uploads
from tests.support.aws import LOCAL_STAGE, REGION, deliver_uploads, hooked
from tests.support.documents import pdf
from tests.support.library import kept_at, s3_objects, upload_as_s3_would
from tests.support.live import LivePortal
from tests.support.web import FormSession, post_to_s3

SLUG = "netwerkbijeenkomst-test"
SLIDES = pdf("Polarisatie in de wijk")
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200  # no accepted type's magic bytes


@pytest.fixture
def speaker(make_event: Callable[..., Any]) -> str:
    make_event()
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    return url.rsplit("/", 1)[1]


def unchecked(window: timedelta = timedelta(0), now: datetime | None = None) -> list[str]:
    later = now or datetime.now(UTC) + timedelta(seconds=1)  # moto stamps objects with this machine's clock
    return unchecked_uploads(aws.s3(), config.bucket_name(), window, later)


def queued(url: str) -> int:
    return queued_at(aws.sqs(), url)


def queued_at(sqs: Any, url: str) -> int:
    """Messages on a queue, waiting or being handled."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@contextmanager
def without_notification() -> Iterator[None]:
    """The bucket as it was before it reported uploads; put back afterwards (the stage's settings are kept
    from test to test). Putting it back makes S3 send its test event, which is taken off the queue."""
    s3 = aws.s3()
    s3.put_bucket_notification_configuration(Bucket=config.bucket_name(), NotificationConfiguration={})
    try:
        yield
    finally:
        notify_uploads(s3, config.bucket_name(), LOCAL_STAGE["UPLOAD_QUEUE_URL"], aws.sqs())
        assert deliver_uploads() == 1  # S3's test event, handled and gone


# -- the speaker never comes back ---------------------------------------------------------------------


def test_an_upload_whose_speaker_never_comes_back_is_checked_and_listed(speaker: str, visitor: FormSession) -> None:
    key = upload_as_s3_would(visitor, speaker, SLIDES, "Dia's wijk.pdf")
    assert unchecked() == [key]

    assert deliver_uploads() == 1

    [material] = library_store().all_materials()
    assert (material.object_key, material.filename, material.file_type) == (kept_at(key), "Dia-s-wijk.pdf", "pdf")
    assert s3_objects() == [(material.object_key, material.object_version)]
    assert unchecked() == []
    page = visitor.get(f"/spreker/{speaker}").body.decode()
    assert "Dia-s-wijk.pdf" in page


def test_without_the_notification_nothing_checks_an_upload(speaker: str, visitor: FormSession) -> None:
    """The negative control: it is the bucket's notification that brings an upload to the check."""
    with without_notification():
        key = upload_as_s3_would(visitor, speaker, SLIDES)
        assert deliver_uploads() == 0
    assert library_store().all_materials() == []
    assert [k for k, _ in s3_objects()] == [key]
    # the invariant a soak checks: older than its window, still unchecked
    [arrived] = aws.s3().list_object_versions(Bucket=config.bucket_name(), Prefix=key)["Versions"]
    assert unchecked(timedelta(minutes=5), now=arrived["LastModified"] + timedelta(minutes=6)) == [key]
    assert unchecked(timedelta(minutes=5), now=arrived["LastModified"] + timedelta(minutes=4)) == []


@pytest.mark.parametrize(
    "content",
    [EXE, pdf("Dia")[:60], b"PK\x03\x04<html><script>alert(1)</script>word/"],
    ids=["no-type", "cut-off-pdf", "fake-docx"],
)
def test_a_poisoned_upload_is_refused_and_removed_without_the_speaker(
    speaker: str, visitor: FormSession, content: bytes
) -> None:
    upload_as_s3_would(visitor, speaker, content, "dia.pdf")
    assert deliver_uploads() == 1
    assert library_store().all_materials() == []
    assert s3_objects() == []


def test_an_object_under_incoming_that_is_nobodys_upload_is_removed(speaker: str, visitor: FormSession) -> None:
    """The form is signed for the speaker's whole prefix: a key of another shape is no upload anyone keeps."""
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    stray = key.rsplit("/", 3)[0] + "/eigen-naam.pdf"
    aws.s3().put_object(Bucket=config.bucket_name(), Key=stray, Body=SLIDES)
    assert deliver_uploads() == 2
    [material] = library_store().all_materials()
    assert [k for k, _ in s3_objects()] == [material.object_key]  # the real upload kept, the stray gone


def test_an_upload_of_a_revoked_speaker_is_removed(speaker: str, visitor: FormSession) -> None:
    upload_as_s3_would(visitor, speaker, SLIDES)
    assert speakers.revoke(SLUG, "annemarie@movisie.nl") == 1
    assert deliver_uploads() == 1
    assert library_store().all_materials() == []
    assert s3_objects() == []


# -- the browser and the notification, in either order ------------------------------------------------------


@contextmanager
def s3_operations() -> Iterator[list[str]]:
    seen: list[str] = []
    with hooked(aws.s3(), "before-call.s3", lambda model, **_: seen.append(model.name)):
        yield seen


def test_the_browser_coming_back_after_the_check_finds_its_file_kept(speaker: str, visitor: FormSession) -> None:
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    assert deliver_uploads() == 1
    [material] = library_store().all_materials()

    with s3_operations() as seen:
        response = visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/spreker/{speaker}?opgeslagen=1"
    assert library_store().all_materials() == [material]
    assert s3_objects() == [(material.object_key, material.object_version)]
    assert not {"GetObject", "CopyObject"} & set(seen)  # not checked twice


def test_the_notification_after_the_browser_finds_the_file_kept(speaker: str, visitor: FormSession) -> None:
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    assert visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}").status_code == 303
    [material] = library_store().all_materials()

    with s3_operations() as seen:
        assert deliver_uploads() == 1  # handled, not handed back

    assert library_store().all_materials() == [material]
    assert s3_objects() == [(material.object_key, material.object_version)]
    assert not {"GetObject", "CopyObject"} & set(seen)


@contextmanager
def once_before(operation: str, run: Callable[[], object]) -> Iterator[None]:
    """`run` (the other path, whole) the first time the portal's S3 client is about to call `operation`."""

    def interleave(**_: object) -> None:
        aws.s3().meta.events.unregister(f"before-call.s3.{operation}", interleave)
        run()

    with hooked(aws.s3(), f"before-call.s3.{operation}", interleave):
        yield


def without_the_other_paths_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check as it would be if it never looked for what the other path kept."""

    def gone(_material_id: str, _place: str, rejected: Exception) -> None:
        raise rejected

    monkeypatch.setattr(speakers, "_kept_meanwhile", gone)


@pytest.mark.parametrize("operation", ["GetObject", "CopyObject"])
@pytest.mark.parametrize("control", [False, True], ids=["as-built", "negative-control"])
def test_the_notification_checking_while_the_browser_checks_leaves_one_file_and_no_error(
    speaker: str, visitor: FormSession, monkeypatch: pytest.MonkeyPatch, operation: str, control: bool
) -> None:
    """The worker keeps the upload (and removes the arrival) just before the browser's check reads it
    or copies the version it read: the browser finds the object gone, and the file kept."""
    if control:
        without_the_other_paths_result(monkeypatch)
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    with once_before(operation, deliver_uploads):
        response = visitor.get(f"/spreker/{speaker}/klaar?key={quote(key)}")
    [material] = library_store().all_materials()
    assert s3_objects() == [(material.object_key, material.object_version)]
    if control:
        assert response.status_code == 422
        assert "Het bestand is niet aangekomen." in response.body.decode()
    else:
        assert response.status_code == 303


@pytest.mark.parametrize("operation", ["GetObject", "CopyObject"])
def test_the_browser_checking_while_the_notification_checks_leaves_one_file_and_no_retry(
    speaker: str, visitor: FormSession, operation: str
) -> None:
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    answers: list[int] = []
    with once_before(operation, lambda: answers.append(visitor.get(f"/spreker/{speaker}/klaar?key={key}").status_code)):
        assert deliver_uploads() == 1
    assert answers == [303]
    [material] = library_store().all_materials()
    assert s3_objects() == [(material.object_key, material.object_version)]
    assert queued(LOCAL_STAGE["UPLOAD_QUEUE_URL"]) == 0  # the message was done with, not handed back
    assert queued(dead_letter_url(LOCAL_STAGE["UPLOAD_QUEUE_URL"])) == 0


def test_a_second_upload_through_the_same_form_after_the_check_is_removed(speaker: str, visitor: FormSession) -> None:
    """The form stays valid for an hour: a file sent again to the key of a kept one never replaces it."""
    key = upload_as_s3_would(visitor, speaker, SLIDES)
    assert deliver_uploads() == 1
    [material] = library_store().all_materials()
    aws.s3().put_object(Bucket=config.bucket_name(), Key=key, Body=EXE)
    assert deliver_uploads() == 1
    assert library_store().all_materials() == [material]
    assert s3_objects() == [(material.object_key, material.object_version)]


# -- what S3 sends --------------------------------------------------------------------------------------


def notification(key: str, event: str = "ObjectCreated:Post") -> str:
    record = {"eventSource": "aws:s3", "eventName": event, "s3": {"object": {"key": quote_plus(key), "size": 1}}}
    return json.dumps({"Records": [record]})


def test_keys_arrive_url_encoded_and_s3s_test_event_reports_none() -> None:
    assert arrivals.arrived_keys(notification("incoming/uploads/a b+c/ë")) == ["incoming/uploads/a b+c/ë"]
    # real S3 leaves '/' as it is, moto encodes it: either way the key is the same
    assert arrivals.arrived_keys(notification("incoming/x").replace("%2F", "/")) == ["incoming/x"]
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-01-01T00:00:00.000Z", "Bucket": "b"}
    assert arrivals.arrived_keys(json.dumps(test_event)) == []
    assert arrivals.arrived_keys(notification("incoming/x", "ObjectRemoved:Delete")) == []
    assert arrivals.arrived_keys(notification("uploads/x")) == []  # only the incoming prefix is checked
    assert arrivals.arrived_keys("not json") == []
    assert arrivals.arrived_keys(json.dumps({"Records": [{"eventName": "ObjectCreated:Put"}, 7]})) == []


def test_a_notification_of_an_upload_that_is_gone_is_done_with(moto: None) -> None:
    """An object the browser's check kept (and removed) first, or that the lifecycle rule took."""
    key = f"{INCOMING_PREFIX}uploads/{SLUG}/{'0' * 12}/{SLUG}.{'0' * 12}/3/{'0' * 16}"
    aws.sqs().send_message(QueueUrl=LOCAL_STAGE["UPLOAD_QUEUE_URL"], MessageBody=notification(key))
    assert deliver_uploads() == 1
    assert queued(LOCAL_STAGE["UPLOAD_QUEUE_URL"]) == 0


# -- over HTTP, on the local stack: moto server's S3 notifies its SQS, the local worker checks --------------


def until(done: Callable[[], bool], what: str) -> None:
    """Wait for the worker (polling every queue in turn) to have done something; fail after half a minute."""
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, f"the worker never {what}"
        time.sleep(0.2)


def test_on_the_local_stack_the_worker_checks_uploads_that_no_browser_reports_done(live_portal: LivePortal) -> None:
    session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=REGION)
    s3 = session.client("s3", endpoint_url=live_portal.moto_url)
    sqs = session.client("sqs", endpoint_url=live_portal.moto_url)
    bucket, upload_queue = LOCAL_STAGE["BUCKET_NAME"], LOCAL_STAGE["UPLOAD_QUEUE_URL"]

    def speaker_page(slot: int, name: str) -> str:
        printed = live_portal.manage(
            "invite-speaker", "--event", "netwerkbijeenkomst-zwijndrecht", "--slot", str(slot), "--name", name,
            "--organisation", "Gemeente", "--email", f"{name.lower()}@zwijndrecht.nl",
        )  # fmt: skip
        return printed.split(": ", 1)[1].strip()

    def versions(key: str) -> list[str]:
        return [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])]

    def listed(link: str, filename: str) -> bool:
        return filename in requests.get(link, timeout=10).text

    # GIVEN a speaker who uploads as a browser does and never comes back to the portal
    good = speaker_page(2, "Welkom")
    key = post_to_s3(requests.get(good, timeout=10).text, SLIDES, "Welkom in de regio.pdf")
    # THEN the worker checks it, keeps it where materials live and lists it on the speaker's page
    # (the material is saved before the arrival is removed: a check cut short between the two leaves a
    # listed file and an arrival the lifecycle rule takes, never an arrival gone and nothing listed)
    until(lambda: listed(good, "Welkom-in-de-regio.pdf") and versions(key) == [], "kept the upload")
    assert len(versions(kept_at(key))) == 1

    # a poisoned upload (no accepted type's magic bytes) is refused and removed the same way
    poisoned = speaker_page(3, "Intro")
    bad = post_to_s3(requests.get(poisoned, timeout=10).text, EXE, "dia.pdf")
    until(lambda: versions(bad) == [] and queued_at(sqs, upload_queue) == 0, "removed the poisoned upload")
    assert versions(kept_at(bad)) == []
    assert not listed(poisoned, "dia.pdf")

    # negative control: without the bucket's notification, nothing reports an upload, so nothing checks it
    unreported = speaker_page(8, "Afsluiting")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    try:
        left = post_to_s3(requests.get(unreported, timeout=10).text, SLIDES, "Afsluiting.pdf")
        assert queued_at(sqs, upload_queue) == 0  # S3 reports an upload as it takes it, or never
    finally:
        notify_uploads(s3, bucket, upload_queue, sqs)  # S3 sends its test event, which the worker takes
    later = post_to_s3(requests.get(unreported, timeout=10).text, SLIDES, "Afsluiting later.pdf")
    # the worker takes S3's test event without failing (else it would wait on the queue to be tried again)
    # and the later upload, and leaves the unreported one where it landed
    until(
        lambda: listed(unreported, "Afsluiting-later.pdf") and queued_at(sqs, upload_queue) == 0,
        "kept the upload after the notification came back",
    )
    assert unchecked_uploads(s3, bucket, timedelta(0), datetime.now(UTC) + timedelta(seconds=1)) == [left]
    assert versions(kept_at(later)) != []
    for version in versions(left):
        s3.delete_object(Bucket=bucket, Key=left, VersionId=version)  # the session's stack serves other tests

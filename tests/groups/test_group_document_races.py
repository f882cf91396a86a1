"""Two uploads of a document that finish at the same moment, and AWS failing while a version is
published: no version number is taken twice, and a publication is made whole or not at all."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.core import aws
from chalicelib.library import group_documents
from chalicelib.library.store import library_store
from tests.support.aws import hooked
from tests.support.documents import pdf
from tests.support.faults import fault
from tests.support.group_documents import drivergroep, history_of, new_document, upload_version
from tests.support.library import s3_objects
from tests.support.web import upload_through_page

FIRST = pdf("Opzet van de lead")
SECOND = pdf("Opzet van het lid")


@pytest.fixture
def people(client):
    return drivergroep(client)


def race(people: Any, document: str) -> int:
    """The lead's upload and the member's, each sent to S3; the member's comes back from S3 while the
    lead's is about to write its version. The status the lead gets."""
    lead_key = upload_through_page(people.lead.get(document).body.decode(), FIRST, "Lead.pdf")
    member_key = upload_through_page(people.member.get(document).body.decode(), SECOND, "Lid.pdf")
    first = True

    def member_first(**_: Any) -> None:
        nonlocal first
        if first:
            first = False  # the member's own write passes this hook
            assert people.member.get(f"{document}/klaar?key={quote(member_key)}").status_code == 303

    with hooked(aws.dynamodb(), "before-call.dynamodb.TransactWriteItems", member_first):
        return int(people.lead.get(f"{document}/klaar?key={quote(lead_key)}").status_code)


def test_two_uploads_at_once_each_become_a_version_of_their_own(people):
    document = new_document(people.member)
    assert race(people, document) == 303
    assert [(v.number, v.filename) for v in history_of(document).versions] == [(2, "Lead.pdf"), (1, "Lid.pdf")]


def test_negative_control_without_reading_again_the_second_upload_is_refused(people, monkeypatch):
    """The document's revision refused the lead's write: with no second try it is a conflict, never a
    second version 1."""
    monkeypatch.setattr(group_documents, "WRITE_TRIES", 1)
    document = new_document(people.member)
    assert race(people, document) == 409
    assert [(v.number, v.filename) for v in history_of(document).versions] == [(1, "Lid.pdf")]


def test_a_publication_that_aws_refuses_leaves_nothing_behind(people):
    document = new_document(people.member)
    upload_version(people.member, document, FIRST, "Opzet.pdf")
    before = s3_objects()
    form = {"version": "1", "title": "Handreiking", "access": "public"}
    with fault(aws.dynamodb(), "TransactWriteItems", code="ThrottlingException") as injected:
        answer = people.lead.post(document, form)
    assert injected.calls >= 1
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert s3_objects() == before  # the library's copy of the file is gone again
    assert library_store().all_materials() == []
    assert history_of(document).document.published_version == 0
    # negative control: without the fault the same form publishes
    assert people.lead.post(document, form).status_code == 303
    assert len(library_store().all_materials()) == 1
    assert len(s3_objects()) == len(before) + 1

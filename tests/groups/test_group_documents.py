"""A working group's documents: versions uploaded as speakers' slides are (presigned POST, then the
content check), every version kept and downloadable by the group, nothing of them outside it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner

import manage
from chalicelib.accounts.group_store import group_store
from chalicelib.audit import service as audit
from chalicelib.core import clock
from chalicelib.library import group_documents
from tests.support.aws import deliver_uploads
from tests.support.documents import pdf
from tests.support.group_documents import (
    GROUP,
    LEAD,
    MEMBER,
    OUTSIDER,
    drivergroep,
    history_of,
    new_document,
    upload_version,
)
from tests.support.library import s3_objects
from tests.support.web import upload_through_page

FIRST = pdf("Eerste opzet handreiking")
SECOND = pdf("Tweede opzet handreiking")
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200  # no accepted type's magic bytes


@pytest.fixture
def people(client):
    return drivergroep(client)


def actions() -> list[str]:
    return [entry.action for entry in audit.month(clock.now().isoformat()[:7], None).items]


def test_a_member_uploads_versions_and_the_group_downloads_each_of_them(people):
    document = new_document(people.member)
    assert upload_version(people.member, document, FIRST, "Opzet.pdf").status_code == 303
    assert upload_version(people.lead, document, SECOND, "Opzet v2.pdf").status_code == 303
    history = history_of(document)
    assert [(v.number, v.uploaded_by, v.filename) for v in history.versions] == [
        (2, LEAD, "Opzet-v2.pdf"),
        (1, MEMBER, "Opzet.pdf"),
    ]
    assert history.document.latest == 2
    page = people.member.get(document).body.decode()
    for shown in ("Opzet-v2.pdf", "Opzet.pdf", "Lead", "Lid"):  # the uploaders by name
        assert shown in page
    for number, content in ((1, FIRST), (2, SECOND)):
        answer = people.member.get(f"{document}/versies/{number}")
        assert answer.status_code == 303
        assert requests.get(answer.headers["Location"], timeout=10).content == content
    assert actions().count("group_document.version_added") == 2
    assert "group_document.created" in actions()


def test_a_refused_file_gets_a_clear_message_with_the_page_and_nothing_is_kept(people):
    document = new_document(people.member)
    before = s3_objects()
    answer = upload_version(people.member, document, EXE, "virus.exe")
    assert answer.status_code == 422
    assert "Dit is geen PDF, PowerPoint (pptx), OpenDocument-presentatie (odp) of Word (docx)." in answer.body.decode()
    assert "Nieuwe versie klaarzetten" in answer.body.decode()  # the form is there to try again
    assert s3_objects() == before
    history = history_of(document)
    assert history.versions == []


def test_an_upload_whose_browser_never_comes_back_is_checked_and_kept_once(people):
    document = new_document(people.member)
    key = upload_through_page(people.member.get(document).body.decode(), FIRST, "Opzet.pdf")
    assert deliver_uploads() >= 1
    checked = history_of(document)
    assert [v.uploaded_by for v in checked.versions] == [MEMBER]
    assert people.member.get(f"{document}/klaar?key={quote(key)}").status_code == 303  # comes back late
    history = history_of(document)
    assert [v.number for v in history.versions] == [1]


def test_the_document_page_is_one_query_and_one_read_of_its_material_once_published(people, aws_calls):
    document = new_document(people.member)
    upload_version(people.member, document, FIRST, "Opzet.pdf")
    upload_version(people.member, document, SECOND, "Opzet v2.pdf")
    aws_calls.reset()
    assert people.member.get(document).status_code == 200
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1}  # the session, the document
    people.lead.post(document, {"version": "1", "title": "Handreiking", "access": "members"})
    aws_calls.reset()
    assert people.member.get(document).status_code == 200
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1, "dynamodb.GetItem": 1}


def test_the_command_line_adds_a_checked_draft_that_only_the_group_sees(people, tmp_path):
    draft, wrong = tmp_path / "Concept handreiking.pdf", tmp_path / "virus.pdf"
    draft.write_bytes(FIRST)
    wrong.write_bytes(EXE)
    command = ["--group", GROUP, "--title", "Concept handreiking", "--path", str(draft), "--email", MEMBER]
    result = CliRunner().invoke(manage.add_group_document, command)
    assert result.exit_code == 0, result.output
    document = result.output.strip().rsplit(" ", 1)[1]
    assert [(v.number, v.uploaded_by, v.uploader_name) for v in history_of(document).versions] == [(1, MEMBER, "Lid")]
    assert people.member.get(document).status_code == 200
    assert people.outsider.get(document).status_code == 404
    refused = CliRunner().invoke(manage.add_group_document, [*command[:4], "--path", str(wrong)])
    assert refused.exit_code == 2
    assert "This is not a PDF" in refused.output
    outsider = CliRunner().invoke(manage.add_group_document, [*command[:6], "--email", OUTSIDER])
    assert outsider.exit_code == 2
    missing = CliRunner().invoke(manage.add_group_document, ["--group", "geen", *command[2:6]])
    assert "no group 'geen'" in missing.output
    assert len(group_documents.histories(group_store().partition(GROUP))) == 1  # nothing refused became a document

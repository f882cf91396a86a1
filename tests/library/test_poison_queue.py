"""Poison files cannot hold up search: with 20 PDFs that keep the parser busy and zip bombs queued
first, an ordinary document added after them is searchable within a minute.

The workers run as the tests run them (`deliver_*`: the handlers Lambda calls, one message at a
time, on moto's queues). The minute is not timed here, which would flake on a shared machine: the
test counts the workers' steps (each poison file takes exactly one extraction step, ended by its
limit; the index worker takes one step per document and opens no file) and checks the stack's own
budget for them (infra/resources.json, EXTRACT_SECONDS): how many extraction steps run at once,
how long one may take, and so how long the ordinary document can wait at most.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from chalicelib.core import aws, config
from chalicelib.library import search
from chalicelib.library.model import TextProblem
from devtools.queueworker import deliver_all
from devtools.resources import INFRA, dead_letter_url
from tests.support.aws import LOCAL_STAGE, deliver_extractions, hooked
from tests.support.documents import busy_pdf, pdf, zip_bomb_docx
from tests.support.library import SHORT_EXTRACT_SECONDS, add_with_file, document_reads, found, stored
from tests.support.web import FormSession

POISON_PDFS = 20
ZIP_BOMBS = 5
# A step's own calls besides the reading: GetItem, GetObject of the file (at most the upload limit),
# PutObject of its text, UpdateItem, SendMessage. A small document's whole step takes 0.15 s here on
# moto; allowed 5 s.
STEP_CALLS_SECONDS = 5
# One run of the index worker, a batch of at most INDEX_BATCH updates: the index file down and up once,
# and per document a GetItem, a GetObject of its kept text, a ListObjects and SQLite's work; no file is
# opened. A batch of nine took 1.3 s here on moto; allowed 3 s.
INDEX_STEP_SECONDS = 3


def messages_left(url: str) -> int:
    attributes = aws.sqs().get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return sum(int(count) for count in attributes.values())


def test_an_ordinary_document_queued_after_poison_files_is_searchable_within_a_minute(
    monkeypatch: pytest.MonkeyPatch, visitor: FormSession
) -> None:
    monkeypatch.delenv("SEARCH_INDEX_CHECK_SECONDS")  # the stack sets neither: its defaults count
    stack_limit, stack_check = config.extract_seconds(), config.search_index_check_seconds()
    monkeypatch.setenv("SEARCH_INDEX_CHECK_SECONDS", LOCAL_STAGE["SEARCH_INDEX_CHECK_SECONDS"])
    monkeypatch.setenv("EXTRACT_SECONDS", SHORT_EXTRACT_SECONDS)
    busy = busy_pdf(100_000)  # about 4 s of pypdf's work here: each outlasts the limit
    poison = [add_with_file(f"Zware dia's {n}", busy) for n in range(POISON_PDFS)]
    bombs = [add_with_file(f"Ingepakt {n}", zip_bomb_docx(), "docx") for n in range(ZIP_BOMBS)]
    ordinary = add_with_file("Verslag", pdf("Casus over ordeverstoring in Zwijndrecht"))
    documents = POISON_PDFS + ZIP_BOMBS + 1

    # the extraction worker: one step per document, each ended by its limit, none handed back to SQS
    assert deliver_extractions() == documents
    extract_url = LOCAL_STAGE["EXTRACT_QUEUE_URL"]
    assert messages_left(extract_url) == messages_left(dead_letter_url(extract_url)) == 0
    assert {stored(m).text_problem for m in poison} == {TextProblem.TIME_LIMIT}
    assert {stored(m).text_problem for m in bombs} == {TextProblem.TOO_LARGE}
    assert stored(ordinary).text_problem is None

    # the index worker: one step per document, reading kept texts only, never a file
    reads: list[str] = []
    from chalicelib.views.jobs import update_search_index

    with hooked(aws.s3(), "before-parameter-build.s3.GetObject", document_reads(reads)):
        updates = deliver_all(aws.sqs(), LOCAL_STAGE["INDEX_QUEUE_URL"], update_search_index)
    search.forget_copy()
    assert updates == documents
    assert reads == []
    assert found(visitor, "ordeverstoring")

    # The stack's budget for the same queue. The poison PDFs hold the extraction workers one step
    # each, `concurrency` at a time; the zip bombs end at once (the check's limits, nothing inflated);
    # then the ordinary document's own step. At worst every other update is ahead of it in the FIFO
    # index queue, taken INDEX_BATCH at a time; a web function sees the new index at its next check.
    function: dict[str, Any] = json.loads(INFRA.read_text())["Resources"]["ExtractText"]["Properties"]
    concurrency = function["Events"]["ExtractTextSqsEventSource"]["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    poison_step = stack_limit + STEP_CALLS_SECONDS
    assert poison_step <= function["Timeout"]  # Lambda never stops a step before its own limit does
    extracted = math.ceil(POISON_PDFS / concurrency) * poison_step + STEP_CALLS_SECONDS
    indexed = math.ceil(documents / search.INDEX_BATCH) * INDEX_STEP_SECONDS
    assert extracted + indexed + stack_check <= 60, (extracted, indexed, stack_check)
    # negative control: one worker reading the poison PDFs in turn, as the index worker did, could not
    assert POISON_PDFS * stack_limit > 60

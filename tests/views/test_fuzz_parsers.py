"""Hostile input where the parsing happens: every input of the corpus through every parser and validator.

Routes share their parsers (a number, a date, a return path, an address, Markdown, a search, an upload's
name, a JSON or form body, the cookies): a value behaves the same in every route that reads it with the
same parser. So every input of the whole corpus (tests/support/hostile_corpus.py) goes through each
parser here, in process, at a few microseconds a call; `test_fuzz_routes.py` then sends inputs of each
category into every value of every route, and `make fuzz` the whole corpus into every value.

A parser may accept an input (its result then keeps the parser's promise, checked below) or refuse it
with a domain error (a field message, or a PortalError that becomes a 4xx page); any other exception
is a finding. The counts (inputs x parsers) are printed at the end of the run.
"""

from __future__ import annotations

import json
import sqlite3
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
from chalice.app import Request

from chalicelib.core import csv_export, richtext, tenancy
from chalicelib.core.config import TIMEZONE
from chalicelib.core.errors import PortalError
from chalicelib.core.fields import PARSERS, FormRule
from chalicelib.core.forms import FieldError, email_address, slugify, text_field, whole_number
from chalicelib.core.i18n import choose
from chalicelib.core.paging import _decode
from chalicelib.events.model import AttendanceMode
from chalicelib.events.parts import Question, QuestionKind, Speaker
from chalicelib.library import files, search_index
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
from chalicelib.library.service import clean_filters
from chalicelib.registrations.forms import clean_registration
from chalicelib.views import http
from tests.support.aws import local_network
from tests.support.checks import active_content
from tests.support.hostile_corpus import CATEGORIES, category_of, corpus, describe

INPUTS = corpus()
Check = Callable[[str], None]


class Broken(AssertionError):
    """A parser accepted an input but broke its promise about the result."""


def _no_controls(value: str, allowed: str = "") -> None:
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]
    if bad:
        raise Broken(f"control characters kept: {bad[:3]!r}")


def _field(kind: str, limit: int = 0, required: bool = False) -> Check:
    """A declared field of an entity form (events, materials): parsed by the parser of its kind."""

    def check(value: str) -> None:
        errors: dict[str, FieldError] = {}
        result = PARSERS[kind]({"f": value}, "f", FormRule("Label", kind, limit, required), errors)
        if errors:
            return
        if kind == "number" and not (isinstance(result, int) and 0 <= result <= limit):
            raise Broken(f"number out of range: {result!r}")
        if kind == "date" and result is not None and not isinstance(result, date):
            raise Broken(f"not a date: {result!r}")
        if kind == "datetime" and result is not None and result.tzinfo is None:
            raise Broken("a moment without its time zone")
        if kind in ("text", "time", "url", "slug"):
            _no_controls(result)
        if kind == "url" and result and not result.startswith("https://"):
            raise Broken(f"a link that is not https: {result!r}")

    return check


def _part_field(kind: str, promise: Callable[[Any], bool], limit: int = 0, **rule: Any) -> Check:
    """A declared field of a programme slot, a workshop or a question: parsed by the parser of its kind,
    and an accepted value keeps `promise`."""

    def check(value: str) -> None:
        errors: dict[str, FieldError] = {}
        result = PARSERS[kind]({"f": value}, "f", FormRule("Label", kind, limit, **rule), errors)
        if not errors and not promise(result):
            raise Broken(f"accepted as {kind}: {result!r}")

    return check


def _text(multiline: bool) -> Check:
    def check(value: str) -> None:
        errors: dict[str, FieldError] = {}
        result = text_field({"f": value}, "f", errors, limit=100, multiline=multiline)
        if errors:
            return
        _no_controls(result, "\n\t" if multiline else "")
        if len(result) > 100:
            raise Broken("longer than its limit")
        if any(c in result for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"):
            raise Broken("a bidirectional override kept")

    return check


def _whole_number(value: str) -> None:
    result = whole_number(value)
    if result is not None and not 0 <= result < 10**9:
        raise Broken(f"out of range: {result}")


def _email(value: str) -> None:
    errors: dict[str, FieldError] = {}
    result = email_address(value, errors)
    if value and not errors and ("@" not in result or any(c in result for c in "\r\n <>,;")):
        raise Broken(f"accepted as an address: {result!r}")


def _return_path(value: str) -> None:
    result = http.local_path(value)
    if not result.startswith("/") or result.startswith("//") or "\\" in result:
        raise Broken(f"a return path off the site: {result!r}")
    _no_controls(result)


def _markdown(value: str) -> None:
    found = active_content(str(richtext.render(value)))
    if found:
        raise Broken(f"active content: {found!r}")


def _filename(value: str) -> None:
    result = files.clean_filename(value, "pdf")
    if not result.endswith(".pdf") or not result.isascii() or any(c in result for c in "/\\\"'; "):
        raise Broken(f"an unsafe file name: {result!r}")


def _slug(value: str) -> None:
    result = slugify(value)
    if not result or not all(c.isascii() and (c.isalnum() or c == "-") for c in result) or len(result) > 80:
        raise Broken(f"an unsafe slug: {result!r}")


def _csv_cell(value: str) -> None:
    if csv_export.cell(value)[:1] in ("=", "+", "-", "@", "\t", "\r"):
        raise Broken("a formula cell")


def _request(body: str = "", headers: dict[str, str] | None = None, path: str = "/") -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": headers or {},
            "pathParameters": {},
            "requestContext": {"httpMethod": "POST", "resourcePath": path, "path": path},
            "body": body,
            "isBase64Encoded": False,
            "stageVariables": {},
        }
    )


def _json_body(value: str) -> None:
    for body in (value, json.dumps({"name": value})):
        result = http.json_body(_request(body))
        if not isinstance(result, dict):
            raise Broken("not an object")


def _form_body(value: str) -> None:
    from urllib.parse import quote

    # a client sends a lone surrogate as the bytes that would encode it (surrogatepass)
    for body in (value, f"name={quote(value, errors='surrogatepass')}&email=x"):
        result = http.form_data(_request(body))
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in result.items()):
            raise Broken("not text")


def _cookies(value: str) -> None:
    for header in (value, f"sessie={value}", f"lang={value}; csrf={value}"):
        request = _request(headers={"cookie": header})
        jar = http.cookies(request)
        if not set(jar) <= {"sessie", "csrf", "lang"}:
            raise Broken(f"unknown cookies read: {sorted(jar)}")
        if http.language(request) not in ("nl", "en"):
            raise Broken("a language the portal does not speak")


def _accept_language(value: str) -> None:
    if http.language(_request(headers={"accept-language": value}, path="/api/v1/events")) not in ("nl", "en"):
        raise Broken("a language the portal does not speak")
    if choose(value) not in ("nl", "en"):
        raise Broken("a language the portal does not speak")


def _cursor(value: str) -> None:
    try:
        _decode(value, "scope")
    except PortalError:
        return
    raise Broken("a cursor nobody signed was accepted")


def _library_query(connection: sqlite3.Connection) -> Check:
    visitor = search_index.Visitor(datetime(2026, 11, 25, tzinfo=TIMEZONE), True, False, frozenset())

    def check(value: str) -> None:
        for name in ("q", "thema", "bijeenkomst", "type", "jaar", "pagina"):
            filters = clean_filters({name: value})
            results = search_index.find(connection, visitor, filters, 10)
            if results.total < 0 or len(results.hits) > 10:
                raise Broken("impossible results")

    return check


def _registration(value: str) -> None:
    questions = (
        Question(1, QuestionKind.CHOICE, "Keuze", required=True, options=("Ja", "Nee")),
        Question(2, QuestionKind.CHOICES, "Keuzes", options=("A", "B")),
        Question(3, QuestionKind.SHORT, "Kort"),
    )
    for field in ("name", "email", "organisation", "role", "remarks", "attendance", "answer_1", "answer_2_0"):
        form = {
            "name": "Fatima el Amrani",
            "email": "fatima@zwijndrecht.nl",
            "organisation": "Gemeente",
            "role": "Aandachtsfunctionaris",
            "consent": "yes",
            "answer_1": "Ja",
            field: value,
        }
        try:
            clean_registration(form, ("Aandachtsfunctionaris",), questions, tuple(AttendanceMode), None)
        except PortalError:
            continue


@pytest.fixture(scope="module")
def index() -> Iterator[sqlite3.Connection]:
    """A small index with a public and an organisers-only material to search."""
    connection = sqlite3.connect(":memory:")
    search_index.create(connection)
    with tenancy.within(local_network()):  # before the tests' own fixtures enter it
        for n, access in enumerate((MaterialAccess.PUBLIC, MaterialAccess.ORGANISERS)):
            material = Material(
                id=f"_.{n:012x}",
                title=f"Radicalisering in de wijk {n}",
                file_type=FileType.PDF,
                access=access,
                date=date(2026, 9, 18),
                object_key="documents/x.pdf",
                size=1,
                filename="x.pdf",
                uploaded_at=datetime(2026, 9, 18, tzinfo=TIMEZONE),
                status=MaterialStatus.PUBLISHED,
            )
            search_index.put(connection, material, "Annemarie van Hinsberg", "knotwilgen langs de polder")
    yield connection
    connection.close()


def parsers(connection: sqlite3.Connection) -> dict[str, Check]:
    return {
        "whole number": _whole_number,
        "text field": _text(multiline=False),
        "text area": _text(multiline=True),
        "e-mail address": _email,
        "event field: text": _field("text", 150),
        "event field: number": _field("number", 5000),
        "event field: date": _field("date", required=True),
        "event field: time": _field("time", required=True),
        "event field: moment": _field("datetime"),
        "event field: link": _field("url", 500),
        "event field: slug": _field("slug", 80),
        "event field: lines": _field("lines", 20),
        "event field: themes": _field("themes"),
        "event field: checkbox": _field("checkbox"),
        "programme field: speakers": _part_field(
            "speakers",
            lambda people: all(isinstance(p, Speaker) and p.name.strip() and "\n" not in p.name for p in people),
            10,
            value_type=tuple[Speaker, ...],
        ),
        "programme field: workshop id": _part_field("id", lambda number: 0 <= number < 10**9),
        "question field: options": _part_field(
            "options", lambda options: 2 <= len(options) <= 12 and all(0 < len(o) <= 100 for o in options), 12
        ),
        "question field: kind": _part_field(
            "choice", lambda kind: isinstance(kind, QuestionKind), invalid="Kies.", value_type=QuestionKind
        ),
        "return path": _return_path,
        "Markdown": _markdown,
        "upload file name": _filename,
        "slug from a title": _slug,
        "CSV cell": _csv_cell,
        "JSON body": _json_body,
        "form body": _form_body,
        "cookies": _cookies,
        "Accept-Language": _accept_language,
        "page cursor": _cursor,
        "library query and search": _library_query(connection),
        "registration form": _registration,
    }


def findings_of(chosen: dict[str, Check]) -> list[str]:
    """Every input through every parser; what went wrong, one line each."""
    findings: list[str] = []
    for name, check in chosen.items():
        for value in INPUTS:
            try:
                check(value)
            except Broken as broken:
                findings.append(f"{name}: {describe(value)} [{category_of(value)}]: {broken}")
            except PortalError:
                pass  # refused with a 4xx: the way a parser says no
            except Exception as error:  # anything else would be a 500
                where = traceback.format_exception(error)[-2].strip().splitlines()[0]
                findings.append(f"{name}: {describe(value)} [{category_of(value)}]: {error!r} at {where}")
    return findings


def test_every_input_through_every_parser(index: sqlite3.Connection, record_property: Any) -> None:
    chosen = parsers(index)
    findings = findings_of(chosen)
    record_property(
        "counts",
        f"fuzz, parsers: inputs {len(INPUTS)} x parsers {len(chosen)} = {len(INPUTS) * len(chosen)} calls, "
        f"findings {len(findings)}",
    )
    assert len(INPUTS) >= 200
    assert all(CATEGORIES.values())
    assert not findings, "\n".join(findings)


def test_negative_control_a_parser_that_breaks_its_promise_or_raises_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "local_path", lambda candidate: candidate or "/")
    monkeypatch.setattr(files, "clean_filename", lambda name, extension: name)
    monkeypatch.setattr(csv_export, "cell", lambda value: value)

    def crashes(value: str) -> None:
        raise KeyError(value)

    findings = findings_of({"return path": _return_path, "upload file name": _filename, "CSV cell": _csv_cell})
    assert any("return path: '//evil.example'" in line for line in findings)
    assert any(line.startswith("upload file name: '../") for line in findings)
    assert any(line.startswith("CSV cell: '=") for line in findings)
    assert len(findings_of({"crashes": crashes})) == len(INPUTS)

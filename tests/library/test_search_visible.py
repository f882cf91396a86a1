"""The search answers only from what the visitor may open: a word that only a document hidden from
this visitor holds behaves exactly like a word that no document holds.

Each test asks the same searches twice: once with only what the visitor may open in the library,
then again after a hidden document (organisers only, members only, attendees only, a draft) with
its own words, event and year was added. Every answer (hits with their snippets, total, pages,
suggestion, the lists of events and years) must be the same, and so must the SQL the search runs:
a hidden-only word may not take another path than an unknown word (a timing difference), which
the statements show without timing anything.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.accounts.model import Account
from chalicelib.core import clock
from chalicelib.core.object_keys import document_object
from chalicelib.library import materials, search_index
from chalicelib.library import service as library
from chalicelib.library.files import put as put_file
from chalicelib.library.model import Material
from chalicelib.library.search import LibraryPage
from chalicelib.library.search_index import Filters, stem
from tests.support.accounts import make_account, sign_in
from tests.support.aws import NOW, deliver_index
from tests.support.documents import pdf
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
HIDDEN_SLUG = "besloten-overleg"
SEARCHED_AT = NOW + timedelta(days=1)

# What the visitor may open: one public document.
VISIBLE_TEXT = "Polarisatie in de wijk: een campagne over infiltratie"
# What only the hidden document holds. Each word probes one way a hidden word could show:
#  - geheimhoudingsplicht: no visible word is near it (exact, inflected, misspelt: nothing to suggest)
#  - polarisator: near the visible "polarisatie", with another stem (an unknown word gets "Bedoelde u")
#  - campagnes: an inflection of the visible "campagne" (same stem: the hidden form must not be suggested)
#  - infiltrant: its plural "infiltranten" is near the visible "infiltratie"
HIDDEN_TEXT = "geheimhoudingsplicht polarisator campagnes infiltrant"
HIDDEN_WORDS = HIDDEN_TEXT.split()

QUERIES = (
    # a hidden-only word, an inflected form (same stem), and one-letter misspellings
    "geheimhoudingsplicht",
    "geheimhoudingsplichten",
    "geheimhoudingsplich",
    "geheimhoudingspliht",
    "geheimhoudingsplichtt",
    "gehiemhoudingsplicht",
    "polarisator",
    "polarisatr",
    "polarisatorr",
    "polarisatoor",
    "campagnes",
    "campagnees",
    "campagnas",
    "campagnse",
    "infiltrant",
    "infiltranten",
    "infiltrnt",
    # with a word the visitor may open, in either order
    "polarisatie geheimhoudingsplicht",
    "geheimhoudingsplicht polarisatie",
    "polarisatie polarisator",
    "campagne infiltranten",
    # parts of words: of a hidden word only, its beginning and its end, and a beginning that both a
    # visible and a hidden word share ("polaris": "polarisatie", "polarisator")
    "geheimhouding",
    "plicht",
    "polaris",
    "polaris campagne",
    # an unknown word, a visible word, and no words at all (the controls)
    "zwijgplichtregeling",
    "polarisatie",
    "",
)


def test_the_probe_words_are_what_the_tests_say_they_are() -> None:
    """The vocabulary above does what its comments say (a stemmer change would silently weaken the tests)."""
    assert stem("geheimhoudingsplichten") == stem("geheimhoudingsplicht")
    assert stem("campagnes") == stem("campagne")
    assert stem("infiltranten") == stem("infiltrant")
    assert stem("polarisator") != stem("polarisatie")
    assert "geheimhoudingsplicht".startswith("geheimhouding")
    assert stem("geheimhoudingsplicht").endswith(stem("plicht"))
    assert "polarisatie".startswith("polaris")
    assert "polarisator".startswith("polaris")
    assert not set(HIDDEN_WORDS) & set(search_index.words(VISIBLE_TEXT))


def add(text: str, access: str = "public", **fields: Any) -> Material:
    material_id = f"{fields.get('event_slug', SLUG)}.{secrets.token_hex(6)}"
    key = document_object(material_id, f"{secrets.token_hex(4)}.pdf")
    content = pdf(text)
    put_file(key, content, "pdf", "bestand.pdf")
    material = Material(
        **{
            "id": material_id,
            "title": "Verslag",
            "file_type": "pdf",
            "access": access,
            "date": date(2027, 3, 18),
            "object_key": key,
            "size": len(content),
            "filename": "bestand.pdf",
            "uploaded_at": clock.now(),
            "event_slug": SLUG,
            "event_title": "Netwerkbijeenkomst Maatschappelijk ongenoegen",
            "status": "published",
            **fields,
        }
    )
    materials.save(material)
    return material


def add_hidden(access: str, status: str) -> Material:
    return add(
        HIDDEN_TEXT,
        access,
        status=status,
        title="Vertrouwelijk",
        event_slug=HIDDEN_SLUG,
        event_title="Besloten overleg",
        date=date(2025, 6, 1),
    )


# (access, status) of the hidden document, and who searches: each visitor who may not open it
HIDDEN = [
    pytest.param("organisers", "published", "anonymous", id="organisers-only,anonymous"),
    pytest.param("organisers", "published", "member", id="organisers-only,member"),
    pytest.param("members", "published", "anonymous", id="members-only,anonymous"),
    pytest.param("attendees", "published", "member", id="attendees-only,member-who-did-not-attend"),
    pytest.param("public", "draft", "member", id="draft,member"),
]


@contextmanager
def traced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL statements the search runs on the index (sqlite3's trace callback), in order. Without
    those SQLite runs inside FTS5 (traced as "-- ..."): how many of them depends on how the index
    file's segments lie, which every written document changes, hidden or not."""
    statements: list[str] = []
    find = search_index.find

    def keep(statement: str) -> None:
        if not statement.startswith("--"):
            statements.append(statement)

    def tracing(connection: sqlite3.Connection, *args: Any) -> search_index.Results:
        connection.set_trace_callback(keep)
        try:
            return find(connection, *args)
        finally:
            connection.set_trace_callback(None)

    with monkeypatch.context() as patch:
        patch.setattr(search_index, "find", tracing)
        patch.setattr(clock, "now", lambda: SEARCHED_AT)  # the statements hold the time of the search
        yield statements


Answers = dict[str, tuple[LibraryPage, list[str]]]


def ask(monkeypatch: pytest.MonkeyPatch, account: Account | None, filters: list[Filters]) -> Answers:
    """Each search's whole answer, and the statements it took."""
    answers = {}
    for query in filters:
        with traced(monkeypatch) as statements:
            answers[label(query)] = (library.find(account, query), statements)
    return answers


def label(query: Filters) -> str:
    return " ".join(filter(None, (repr(query.q), query.event, query.year)))


def every_search() -> list[Filters]:
    searches = [Filters(q=q) for q in QUERIES]
    # the filters of the page with the hidden document's event and year, with and without its words
    searches += [Filters(q=q, event=HIDDEN_SLUG) for q in ("geheimhoudingsplicht", "polarisator", "")]
    searches += [Filters(q=q, year="2025") for q in ("geheimhoudingsplicht", "campagnse", "")]
    return searches


@pytest.fixture
def library_of(make_event: Callable[..., Any]) -> Callable[[str], Account | None]:
    """The visible document and the visitor: None (anonymous) or a member who attended nothing."""
    make_event()
    add(VISIBLE_TEXT)
    deliver_index()

    def visitor(kind: str) -> Account | None:
        return None if kind == "anonymous" else make_account("lid@rotterdam.nl")

    return visitor


@pytest.mark.parametrize(("access", "status", "kind"), HIDDEN)
def test_every_answer_is_the_same_whether_or_not_a_hidden_document_holds_the_word(
    library_of, monkeypatch, access, status, kind
):
    account = library_of(kind)
    without = ask(monkeypatch, account, every_search())

    add_hidden(access, status)
    deliver_index()
    with_hidden = ask(monkeypatch, account, every_search())

    # hits, snippets, total, pages, suggestion, events, years: the whole answer
    assert [
        (query, page.suggestion, page.total) for query, (page, _) in with_hidden.items() if page != without[query][0]
    ] == []
    # and the same path through the index
    assert [query for query, (_, sql) in with_hidden.items() if sql != without[query][1]] == []
    # what the controls found: the hidden document's event and year are in no list, its words in no suggestion
    control = with_hidden[label(Filters(q="polarisatie"))][0]
    assert (control.total, control.events, control.years) == (
        1,
        [(SLUG, "Netwerkbijeenkomst Maatschappelijk ongenoegen")],
        ["2027"],
    )
    for page, _ in with_hidden.values():
        assert not set(search_index.words(page.suggestion)) & set(HIDDEN_WORDS), page.filters


@pytest.mark.parametrize(("access", "status", "kind"), HIDDEN)
def test_a_near_miss_never_suggests_a_word_of_a_document_the_visitor_may_not_open(library_of, access, status, kind):
    account = library_of(kind)
    add_hidden(access, status)
    deliver_index()
    for word in HIDDEN_WORDS:
        for typo in one_letter_misspellings(word):
            suggestion = library.find(account, Filters(q=typo)).suggestion
            assert word not in search_index.words(suggestion), (typo, suggestion)
    # the same kind of misspelling of a word the visitor may open is suggested (the negative control)
    assert library.find(account, Filters(q="campagnne")).suggestion == "campagne"


def one_letter_misspellings(word: str) -> set[str]:
    """Every word one letter away: a letter left out, doubled, changed into its neighbour, or two swapped."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    out |= {word[:i] + chr(ord(word[i]) + 1) + word[i + 1 :] for i in range(len(word)) if word[i] < "z"}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return out - {word}


def test_a_hidden_only_word_takes_the_same_path_as_an_unknown_word(library_of, monkeypatch):
    """Without timing: the same number of statements for a word only an organisers-only document holds
    and for a word of the same length that no document holds."""
    library_of("anonymous")
    add_hidden("organisers", "published")
    deliver_index()
    answers = ask(monkeypatch, None, [Filters(q="geheimhoudingsplicht"), Filters(q="zwijgplichtregeling")])
    (hidden, hidden_sql), (unknown, unknown_sql) = answers.values()
    assert (hidden.total, hidden.suggestion, unknown.total, unknown.suggestion) == (0, "", 0, "")
    assert len(hidden_sql) == len(unknown_sql), (hidden_sql, unknown_sql)


def test_a_removed_documents_words_behave_as_words_never_indexed(library_of, monkeypatch):
    library_of("anonymous")
    never = ask(monkeypatch, None, every_search())
    removed = add(HIDDEN_TEXT)
    deliver_index()
    materials.delete(removed)
    deliver_index()
    assert ask(monkeypatch, None, every_search()) == never


@pytest.mark.parametrize(
    ("access", "kind"),
    [("organisers", "anonymous"), ("members", "anonymous"), ("organisers", "member")],
)
def test_over_http_the_page_and_the_api_answer_the_same_with_or_without_the_hidden_word(
    make_event, client, access, kind
):
    make_event()
    add(VISIBLE_TEXT)
    deliver_index()
    browser = FormSession(client)
    if kind == "member":
        make_account("lid@rotterdam.nl")
        sign_in(browser, "lid@rotterdam.nl")

    def answers() -> dict[str, tuple[str, Any]]:
        return {
            q: (
                without_tokens(browser.get(f"/kennisbank?q={q}").body.decode()),
                client.http.get(f"/api/v1/kennisbank?q={q}").json_body,
            )
            for q in QUERIES
        }

    without = answers()
    add_hidden(access, "published")
    deliver_index()
    with_hidden = answers()

    assert [q for q in QUERIES if with_hidden[q][0] != without[q][0]] == []  # the page
    assert [q for q in QUERIES if with_hidden[q][1] != without[q][1]] == []  # the JSON
    assert "Bedoelde u" in browser.get("/kennisbank?q=campagnne").body.decode()  # the page does suggest


def without_tokens(html: str) -> str:
    """The page without what differs between any two responses (CSRF tokens, nonces)."""
    return re.sub(r'(nonce|value|content)="[A-Za-z0-9_\-+/=.:]{20,}"', r'\1=""', html)

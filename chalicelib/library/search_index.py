"""The knowledge library's search index: one SQLite file with an FTS5 table, built by the index
worker and read by the web functions from a copy in /tmp.

Words are matched without case or accents (FTS5's unicode61 tokenizer) and with Dutch stemming:
the index keeps, for every word it holds, its stem (snowball's Dutch stemmer), and a search word
becomes "any indexed word with the same stem", so "radicaliseringen" finds "radicalisering" and
the snippet still shows the document's own words. Results are ranked by bm25 (title weighs most,
then themes and people, then description, then the file's text) and filtered by what the visitor
may open inside the same query, before counting and paging. The words a search word expands to, and
the words a suggestion is taken from, are those of documents the visitor may open too: a word that
only hidden documents hold is answered exactly as a word that no document holds.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from chalicelib.library import search_facets
from chalicelib.library.model import Material, MaterialAccess, MaterialStatus

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS materials (
        id TEXT PRIMARY KEY, item TEXT NOT NULL, status TEXT NOT NULL, visible_from REAL NOT NULL,
        access TEXT NOT NULL, event_slug TEXT NOT NULL, event_title TEXT NOT NULL, themes TEXT NOT NULL,
        file_type TEXT NOT NULL, year TEXT NOT NULL, date TEXT NOT NULL, found INTEGER NOT NULL)""",
    # `found` is the FTS row of the material: rowids of an FTS5 table are its own
    """CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
        title, themes, people, description, body, tokenize = 'unicode61 remove_diacritics 2')""",
    "CREATE TABLE IF NOT EXISTS stems (stem TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (stem, term)) WITHOUT ROWID",
    # a search joins each matching FTS row to its material; a list without words goes newest first
    "CREATE UNIQUE INDEX IF NOT EXISTS materials_found ON materials (found)",
    "CREATE INDEX IF NOT EXISTS materials_newest ON materials (date DESC, id)",
)
# bm25 weights of the FTS columns, in their order
_WEIGHTS = "10.0, 5.0, 5.0, 3.0, 1.0"
_MARK, _END = "\x02", "\x03"  # snippet markers, replaced by <mark> after escaping the text
QUERY_WORDS = 10  # more words in a search than this are ignored


def readable(text: str) -> str:
    """What goes into the index: compatibility characters made plain (the "ﬁ" ligature of a PDF
    becomes "fi"), so that FTS5's tokens and `words` agree; case and accents stay for the snippet."""
    return unicodedata.normalize("NFKC", text)


def words(text: str) -> list[str]:
    """A text's words as FTS5's unicode61 tokenizer sees them: lower case, without accents, letters and digits."""
    decomposed = unicodedata.normalize("NFKD", readable(text).lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain)


@cache
def _stemmer() -> Any:
    import snowballstemmer  # imported on first use: pages that do not search never pay for it

    return snowballstemmer.stemmer("dutch")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def create(connection: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        connection.execute(statement)
    search_facets.create(connection)


def put(connection: sqlite3.Connection, material: Material, people: str, body: str) -> None:
    """Add a material, or replace what the index held of it."""
    remove(connection, material.id)
    columns = tuple(
        readable(c) for c in (material.title, " ".join(material.themes), people, material.description, body)
    )
    found = connection.execute("INSERT INTO words VALUES (?, ?, ?, ?, ?)", columns).lastrowid
    visible_from = material.publish_from.timestamp() if material.publish_from else 0.0
    connection.execute(
        "INSERT INTO materials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            material.id,
            json.dumps(material.to_item()),
            material.status,
            visible_from,
            material.access,
            material.event_slug,
            material.event_title,
            json.dumps(list(material.themes)),
            material.file_type,
            material.date.isoformat()[:4],
            material.date.isoformat(),
            found,
        ),
    )
    search_facets.count_in(connection, material.id)
    connection.executemany(
        "INSERT OR IGNORE INTO stems VALUES (?, ?)", {(stem(w), w) for w in words(" ".join(columns))}
    )


def remove(connection: sqlite3.Connection, material_id: str) -> None:
    row = connection.execute("SELECT found FROM materials WHERE id = ?", (material_id,)).fetchone()
    if row:
        search_facets.count_out(connection, material_id)
        connection.execute("DELETE FROM words WHERE rowid = ?", row)
        connection.execute("DELETE FROM materials WHERE id = ?", (material_id,))


@dataclass(frozen=True)
class Visitor:
    """What decides which materials a visitor may see (the rule of `library.service.may_open`)."""

    now: datetime
    member: bool  # signed in
    organiser: bool
    attended: frozenset[str]  # events the visitor's address attended


@dataclass(frozen=True)
class Filters:
    """What a visitor asks of the library: words, the filters of the page, and which page."""

    theme: str = ""
    event: str = ""
    file_type: str = ""
    year: str = ""
    q: str = ""
    page: int = 1


@dataclass
class Hit:
    """A material the search found, with its matched words in context."""

    material: Material
    snippet: Markup | None  # the matched words in their context, marked; escaped


@dataclass
class Results:
    """What a search found that the visitor may open, and the filters its hits offer."""

    hits: list[Hit]
    total: int
    events: list[tuple[str, str]]  # (slug, title) among what the visitor may open
    years: list[str]
    suggestion: str  # a search that would find something, when this one found nothing


def _visible(visitor: Visitor) -> tuple[str, dict[str, object]]:
    """The visitor's rule as SQL: visible now, and an access level they have."""
    sql = (
        "(m.status = :published OR (m.status = :after_event AND m.visible_from <= :now))"
        " AND (:organiser OR m.access = :public OR (:member AND (m.access = :members"
        " OR (m.access = :attendees AND m.event_slug IN (SELECT value FROM json_each(:attended))))))"
    )
    values = {
        "published": MaterialStatus.PUBLISHED,
        "after_event": MaterialStatus.AFTER_EVENT,
        "now": visitor.now.timestamp(),
        "organiser": visitor.organiser,
        "member": visitor.member,
        "public": MaterialAccess.PUBLIC,
        "members": MaterialAccess.MEMBERS,
        "attendees": MaterialAccess.ATTENDEES,
        "attended": json.dumps(sorted(visitor.attended)),
    }
    return sql, values


def _filters(query: Filters) -> tuple[str, dict[str, object]]:
    conditions = {
        "EXISTS (SELECT 1 FROM json_each(m.themes) WHERE value = :theme)": query.theme,
        "m.event_slug = :event": query.event,
        "m.file_type = :file_type": query.file_type,
        "m.year = :year": query.year,
    }
    sql = "".join(f" AND {condition}" for condition, value in conditions.items() if value)
    return sql, {"theme": query.theme, "event": query.event, "file_type": query.file_type, "year": query.year}


# Which indexed words the documents this visitor may open hold: FTS5's own list of (word, row),
# made for each connection in its temporary schema (the index file itself is opened read-only).
_VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary USING fts5vocab(main, words, instance)"


def _match(connection: sqlite3.Connection, text: str, visible: str, values: dict[str, Any]) -> tuple[str, str]:
    """The FTS5 expression for a search: each word becomes any word with its stem that a document
    this visitor may open holds, quoted, so no FTS5 syntax from the visitor reaches SQLite. ("", word)
    when a word matches nothing the visitor may open: a word only hidden documents hold (or held)
    is missing just as a word no document holds, and takes the same path."""
    groups = []
    for word in words(text)[:QUERY_WORDS]:
        terms = [
            t
            for (t,) in connection.execute(
                "SELECT s.term FROM stems s WHERE s.stem = :stem AND EXISTS (SELECT 1 FROM temp.vocabulary v"  # noqa: S608
                f" JOIN materials m ON m.found = v.doc WHERE v.term = s.term AND {visible}) ORDER BY s.term",
                {**values, "stem": stem(word)},
            )
        ]
        if not terms:
            return "", word
        groups.append("(" + " OR ".join(f'"{t}"' for t in terms) + ")")
    return " AND ".join(groups), ""


def _suggest(
    connection: sqlite3.Connection, text: str, missing: str, visible: str, filtered: str, values: dict[str, Any]
) -> str:
    """The search with its missing word replaced by a near word with the same first letter, taken
    only from the words of documents this visitor may open, and only one with which the search finds
    something: the index also holds the words of drafts and of material for others, and neither the
    suggestion nor the way to it may depend on them."""
    # difflib's ratio of 0.7 needs the lengths of the two words within 0.7/1.3 and 1.3/0.7 of each other
    shortest, longest = math.ceil(len(missing) * 0.7 / 1.3), math.floor(len(missing) * 1.3 / 0.7)
    rows = connection.execute(
        "SELECT s.term FROM stems s WHERE s.term >= :first AND s.term < :after"  # noqa: S608
        " AND length(s.term) BETWEEN :shortest AND :longest AND EXISTS (SELECT 1 FROM temp.vocabulary v"
        f" JOIN materials m ON m.found = v.doc WHERE v.term = s.term AND {visible})",
        {**values, "first": missing[0], "after": missing[0] + "\uffff", "shortest": shortest, "longest": longest},
    )
    for candidate in difflib.get_close_matches(missing, [t for (t,) in rows], n=5, cutoff=0.7):
        suggestion = " ".join(candidate if w == missing else w for w in words(text)[:QUERY_WORDS])
        match, still_missing = _match(connection, suggestion, visible, values)
        if not still_missing and _count(connection, f"{visible}{filtered}", {**values, "match": match}):
            return suggestion
    return ""


def _count(connection: sqlite3.Connection, where: str, values: dict[str, object]) -> int:
    sql = f"SELECT count(*) FROM words JOIN materials m ON m.found = words.rowid WHERE words MATCH :match AND {where}"  # noqa: S608
    return int(connection.execute(sql, values).fetchone()[0])


# The queries below are put together from this module's own SQL fragments (`_visible`, `_filters`);
# every value from a visitor is a bound parameter, hence the S608 exceptions.
def find(connection: sqlite3.Connection, visitor: Visitor, query: Filters, limit: int) -> Results:
    visible, values = _visible(visitor)
    filtered, filter_values = _filters(query)
    values.update(filter_values, limit=limit, offset=(query.page - 1) * limit)
    connection.execute(_VOCABULARY)
    events, years = search_facets.offered(connection, visible, values)
    if not words(query.q):
        where = f"{visible}{filtered}"
        total = connection.execute(f"SELECT count(*) FROM materials m WHERE {where}", values).fetchone()[0]  # noqa: S608
        rows = connection.execute(
            f"SELECT m.item, NULL FROM materials m WHERE {where} ORDER BY m.date DESC, m.id LIMIT :limit OFFSET :offset",  # noqa: S608
            values,
        )
        return Results(_hits(rows), total, events, years, "")
    match, missing = _match(connection, query.q, visible, values)
    if missing:
        return Results([], 0, events, years, _suggest(connection, query.q, missing, visible, filtered, values))
    values["match"] = match
    where = f"words MATCH :match AND {visible}{filtered}"
    joined = "FROM words JOIN materials m ON m.found = words.rowid"
    total = _count(connection, f"{visible}{filtered}", values)
    rows = connection.execute(
        f"SELECT m.item, snippet(words, -1, '{_MARK}', '{_END}', ' … ', 16) {joined} WHERE {where}"
        f" ORDER BY bm25(words, {_WEIGHTS}) LIMIT :limit OFFSET :offset",
        values,
    )
    return Results(_hits(rows), total, events, years, "")


def _hits(rows: Iterable[tuple[str, str | None]]) -> list[Hit]:
    return [Hit(Material.from_item(json.loads(item)), _marked(snippet)) for item, snippet in rows]


def _marked(snippet: str | None) -> Markup | None:
    """The snippet escaped as text, then its match markers made <mark>: no HTML from a document reaches the page."""
    if not snippet:
        return None
    return Markup(str(escape(snippet)).replace(_MARK, "<mark>").replace(_END, "</mark>"))  # noqa: S704 (escaped above)

"""The knowledge library's search index: one SQLite file with an FTS5 table, built by the index
worker and read by the web functions from a copy in /tmp.

Words are matched without case or accents (FTS5's unicode61 tokenizer) and with Dutch stemming:
the index keeps, for every word it holds, its stem (snowball's Dutch stemmer), and a search word
becomes "any indexed word with the same stem", so "radicaliseringen" finds "radicalisering" and
the snippet still shows the document's own words. Dutch writes compounds as one word, so a search
word of PART_LETTERS or more also finds the words it is part of: those that begin with it
("knotwil" finds "knotwilgen") and those whose stem ends with its stem ("wilgen" finds
"knotwilgen"). Results are ranked by bm25 (title weighs most, then themes and people, then
description, then the file's text), documents holding every search word itself before those
holding one only as part of a longer word, and filtered by what the visitor may open inside the
same query, before counting and paging. The words a search word expands to, and
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
    # every indexed word under two keys: its stem, and its stem backwards behind _BACKWARDS, so that
    # "whose stem ends with" is a range of the same key as "whose stem is"
    "CREATE TABLE IF NOT EXISTS stems (stem TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (stem, term)) WITHOUT ROWID",
    # "which words begin with" (and a suggestion's words near a missing one) is a range of the words
    "CREATE INDEX IF NOT EXISTS stems_terms ON stems (term)",
    # a search joins each matching FTS row to its material; a list without words goes newest first
    "CREATE UNIQUE INDEX IF NOT EXISTS materials_found ON materials (found)",
    "CREATE INDEX IF NOT EXISTS materials_newest ON materials (date DESC, id)",
)
# bm25 weights of the FTS columns, in their order
_WEIGHTS = "10.0, 5.0, 5.0, 3.0, 1.0"
_MARK, _END = "\x02", "\x03"  # snippet markers, replaced by <mark> after escaping the text
QUERY_WORDS = 10  # more words in a search than this are ignored
# a search word (less its ending) shorter than this finds whole words only: "de" or "wet" begins too many
PART_LETTERS = 4
PARTS = 50  # indexed words one search word stands for at most: its own forms first, then the shortest
_BACKWARDS = "~"  # marks a stem written backwards in `stems`: no word holds it
# above any letter that follows a word's beginning: "w" <= word < "w" + _AFTER are the words that begin with "w"
_AFTER = "\uffff"


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


def _ending(stem: str) -> str:
    """The key under which a word is found by the ends of its stem: its stem backwards, marked."""
    return _BACKWARDS + stem[::-1]


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
    stems = {w: stem(w) for w in words(" ".join(columns))}
    connection.executemany(
        "INSERT OR IGNORE INTO stems VALUES (?, ?)", [(key, w) for w, s in stems.items() for key in (s, _ending(s))]
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


@dataclass(frozen=True)
class _Expression:
    """A search as FTS5 expressions over the words of documents the visitor may open."""

    match: str  # every search word, in its own forms or as part of a longer word
    same: str  # every search word in its own forms only; "" when a search word has none
    missing: str  # a search word that no such document holds in any way; then both are ""


def _match(connection: sqlite3.Connection, text: str, visible: str, values: dict[str, Any]) -> _Expression:
    """The FTS5 expressions for a search: each word becomes the words it stands for (`_terms`),
    quoted, so no FTS5 syntax from the visitor reaches SQLite. A word that matches nothing the
    visitor may open is missing: a word only hidden documents hold (or held) is missing just as a
    word no document holds, and takes the same path."""
    matches, sames = [], []
    for word in words(text)[:QUERY_WORDS]:
        same, parts = _terms(connection, word, visible, values)
        if not same and not parts:
            return _Expression("", "", word)
        matches.append(_any(same + parts))
        sames.append(_any(same) if same else "")
    return _Expression(" AND ".join(matches), " AND ".join(sames) if all(sames) else "", "")


def _any(terms: list[str]) -> str:
    return "(" + " OR ".join(f'"{t}"' for t in terms) + ")"


def _terms(
    connection: sqlite3.Connection, word: str, visible: str, values: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """The indexed words a search word stands for that a document this visitor may open holds, as
    (its own forms: the same stem; the words it is part of). A word is part of the words that begin
    with it, or with its stem where the stemmer only took an ending off ("wijken": "wijkagent"),
    and of the words whose stem ends with its stem ("wilgen", stem "wilg": "knotwilgen", stem
    "knotwilg"); only when that beginning or stem has PART_LETTERS or more. At most PARTS, its
    own forms first, then the shortest (the nearest to what was typed)."""
    own = stem(word)
    beginning = own if word.startswith(own) else word  # the stemmer may also take "ge" off the front
    keys = ["SELECT term, 1 AS same FROM stems WHERE stem = :stem"]
    if len(beginning) >= PART_LETTERS:
        keys.append("SELECT term, 0 FROM stems WHERE term >= :beginning AND term < :beginning || :after")
    if len(own) >= PART_LETTERS:
        keys.append("SELECT term, 0 FROM stems WHERE stem >= :ending AND stem < :ending || :after")
    rows = connection.execute(
        f"SELECT k.term, max(k.same) FROM ({' UNION ALL '.join(keys)}) k WHERE EXISTS (SELECT 1"  # noqa: S608
        f" FROM temp.vocabulary v JOIN materials m ON m.found = v.doc WHERE v.term = k.term AND {visible})"
        " GROUP BY k.term ORDER BY max(k.same) DESC, length(k.term), k.term LIMIT :most",
        {**values, "stem": own, "beginning": beginning, "ending": _ending(own), "after": _AFTER, "most": PARTS},
    ).fetchall()
    return [t for t, same in rows if same], [t for t, same in rows if not same]


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
        "SELECT s.term FROM stems s WHERE s.term >= :first AND s.term < :first || :after"  # noqa: S608
        " AND substr(s.stem, 1, 1) != :backwards AND length(s.term) BETWEEN :shortest AND :longest"
        " AND EXISTS (SELECT 1 FROM temp.vocabulary v"
        f" JOIN materials m ON m.found = v.doc WHERE v.term = s.term AND {visible})",
        {
            **values,
            "first": missing[0],
            "after": _AFTER,
            "backwards": _BACKWARDS,  # each word once: under its stem, not also backwards
            "shortest": shortest,
            "longest": longest,
        },
    )
    for candidate in difflib.get_close_matches(missing, [t for (t,) in rows], n=5, cutoff=0.7):
        suggestion = " ".join(candidate if w == missing else w for w in words(text)[:QUERY_WORDS])
        expression = _match(connection, suggestion, visible, values)
        if not expression.missing and _count(connection, f"{visible}{filtered}", {**values, "match": expression.match}):
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
    expression = _match(connection, query.q, visible, values)
    if expression.missing:
        suggestion = _suggest(connection, query.q, expression.missing, visible, filtered, values)
        return Results([], 0, events, years, suggestion)
    values.update(match=expression.match, same=expression.same)
    where = f"words MATCH :match AND {visible}{filtered}"
    joined = "FROM words JOIN materials m ON m.found = words.rowid"
    order = f"bm25(words, {_WEIGHTS})"
    if expression.same and expression.same != expression.match:
        # a document holding every search word itself comes before one holding some only as part of
        # a longer word, whatever bm25 makes of that longer word's rarity or place
        order = f"words.rowid IN (SELECT rowid FROM words WHERE words MATCH :same) DESC, {order}"  # noqa: S608
    total = _count(connection, f"{visible}{filtered}", values)
    rows = connection.execute(
        f"SELECT m.item, snippet(words, -1, '{_MARK}', '{_END}', ' … ', 16) {joined} WHERE {where}"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset",
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

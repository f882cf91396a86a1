"""The meetings and years the library list offers as filters: kept with the index as groups of
materials, so that listing them costs the same at 10 materials as at 400, and answers exactly as the
materials themselves would for every kind of visitor, through puts, replacements and removals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from chalicelib.core.config import TIMEZONE
from chalicelib.library import search_facets, search_index
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
from chalicelib.library.search_index import Filters, Visitor

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=TIMEZONE)
VISITORS = {
    "anonymous": Visitor(NOW, member=False, organiser=False, attended=frozenset()),
    "member": Visitor(NOW, member=True, organiser=False, attended=frozenset()),
    "attendee": Visitor(NOW, member=True, organiser=False, attended=frozenset({"besloten"})),
    "organiser": Visitor(NOW, member=True, organiser=True, attended=frozenset()),
}


def material(n: int, event: str = "open", year: int = 2026, **fields: Any) -> Material:
    values: dict[str, Any] = {
        "id": f"{event}.{n:012x}",
        "title": f"Stuk {n}",
        "file_type": FileType.PDF,
        "access": MaterialAccess.PUBLIC,
        "date": date(year, 9, 18),
        "object_key": "documents/x.pdf",
        "size": 1,
        "filename": "x.pdf",
        "uploaded_at": NOW,
        "status": MaterialStatus.PUBLISHED,
        "event_slug": event,
        "event_title": f"Bijeenkomst {event}",
        **fields,
    }
    return Material(**values)


def index(materials: list[Material]) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    search_index.create(connection)
    for each in materials:
        search_index.put(connection, each, "", "")
    return connection


def from_materials(connection: sqlite3.Connection, visitor: Visitor) -> tuple[list[tuple[str, str]], list[str]]:
    """The filters worked out over every material, as the list did before the groups were kept."""
    visible, values = search_index._visible(visitor)
    events = connection.execute(
        f"SELECT DISTINCT m.event_slug, m.event_title FROM materials m WHERE {visible} AND m.event_slug != ''"  # noqa: S608
        " ORDER BY m.event_title",
        values,
    ).fetchall()
    years = connection.execute(
        f"SELECT DISTINCT m.year FROM materials m WHERE {visible} ORDER BY m.year DESC",  # noqa: S608
        values,
    ).fetchall()
    return [(str(s), str(t)) for s, t in events], [str(y) for (y,) in years]


def offered(connection: sqlite3.Connection, visitor: Visitor) -> tuple[list[tuple[str, str]], list[str]]:
    results = search_index.find(connection, visitor, Filters(), 10)
    return results.events, results.years


def mixed() -> list[Material]:
    """Materials each visitor sees differently: public, members, attendees of one meeting,
    organisers, a draft, one shown only after its meeting, and one without a meeting."""
    return [
        material(1),
        material(2, year=2025),
        material(3, "leden", access=MaterialAccess.MEMBERS),
        material(4, "besloten", access=MaterialAccess.ATTENDEES),
        material(5, "intern", year=2024, access=MaterialAccess.ORGANISERS),
        material(6, "concept", year=2023, status=MaterialStatus.DRAFT),
        material(7, "straks", year=2022, status=MaterialStatus.AFTER_EVENT, publish_from=NOW + timedelta(days=1)),
        material(8, "geweest", status=MaterialStatus.AFTER_EVENT, publish_from=NOW - timedelta(days=1)),
        material(9, "", year=2021),
    ]


def assert_as_the_materials_say(connection: sqlite3.Connection) -> None:
    for name, visitor in VISITORS.items():
        assert offered(connection, visitor) == from_materials(connection, visitor), name


def test_every_visitor_is_offered_what_the_materials_they_may_open_say():
    connection = index(mixed())
    assert_as_the_materials_say(connection)
    assert offered(connection, VISITORS["anonymous"]) == (
        [("geweest", "Bijeenkomst geweest"), ("open", "Bijeenkomst open")],
        ["2026", "2025", "2021"],
    )


def test_the_groups_follow_puts_replacements_and_removals():
    connection = index([*mixed(), material(10), material(11, "leden", access=MaterialAccess.MEMBERS)])
    search_index.remove(connection, "open.000000000001")  # another material of its group stays
    assert_as_the_materials_say(connection)
    search_index.remove(connection, "open.00000000000a")  # its group's last: the meeting goes
    search_index.put(connection, material(2, "open", year=2020), "", "")  # moved to another year
    assert_as_the_materials_say(connection)
    assert ("open", "Bijeenkomst open") in offered(connection, VISITORS["anonymous"])[0]
    search_index.remove(connection, "open.000000000002")
    assert offered(connection, VISITORS["anonymous"])[0] == [("geweest", "Bijeenkomst geweest")]
    search_index.put(connection, material(3, "leden", access=MaterialAccess.PUBLIC), "", "")  # opened to all
    assert_as_the_materials_say(connection)
    # a group holds as many materials as share it, and none is left empty
    counts = connection.execute("SELECT sum(materials), count(*) FILTER (WHERE materials < 1) FROM facets").fetchone()
    assert counts == (connection.execute("SELECT count(*) FROM materials").fetchone()[0], 0)


def steps(connection: sqlite3.Connection, work: Callable[[], object]) -> int:
    """How many SQLite virtual machine instructions a piece of work takes: its cost, without a clock."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0  # go on

    connection.set_progress_handler(count, 1)
    try:
        work()
    finally:
        connection.set_progress_handler(None, 1)
    return counted[0]


def many(count: int) -> list[Material]:
    """`count` materials over the same two meetings and three years, for members and the public."""
    access = (MaterialAccess.PUBLIC, MaterialAccess.MEMBERS)
    return [material(n, ("open", "leden")[n % 2], 2024 + n % 3, access=access[n % 2]) for n in range(count)]


@pytest.mark.parametrize("visitor", VISITORS)
def test_listing_the_filters_costs_the_same_at_10_and_400_materials(visitor):
    sizes = {10: index(many(10)), 400: index(many(400))}
    visible, values = search_index._visible(VISITORS[visitor])
    cost = {size: steps(c, partial(search_facets.offered, c, visible, values)) for size, c in sizes.items()}
    assert cost[10] == cost[400]
    # negative control: working them out over the materials grows with them
    over_materials = {size: steps(c, partial(from_materials, c, VISITORS[visitor])) for size, c in sizes.items()}
    assert over_materials[400] > 10 * over_materials[10]


def test_an_index_written_before_the_groups_answers_and_gets_them_with_its_next_update():
    connection = index(mixed())
    connection.execute("DROP TABLE facets")  # as an index file written before the groups were kept
    assert_as_the_materials_say(connection)
    search_index.create(connection)  # what the index worker does first with every file it updates
    assert connection.execute("SELECT sum(materials) FROM facets").fetchone() == (len(mixed()),)
    search_index.put(connection, material(10, "nieuw"), "", "")
    assert_as_the_materials_say(connection)
    assert ("nieuw", "Bijeenkomst nieuw") in offered(connection, VISITORS["anonymous"])[0]

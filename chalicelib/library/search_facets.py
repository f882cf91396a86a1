"""The filters the library list offers, the meetings and the years of what a visitor may open, kept
in the search index beside its materials.

Which of those a visitor sees depends on who they are (the rule of `search_index._visible`), so the
index cannot hold the answer itself; it holds the materials grouped by everything that rule and these
filters read, with how many materials each group has. A list reads those groups, whose number grows
with the meetings and the ways their materials are shared, not with the materials: the cost of the
filters stays the same as the library grows. The index worker keeps the groups with every material
it puts or removes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

# everything a visitor's rule and the offered filters read of a material
_GROUPED_BY = "status, visible_from, access, event_slug, event_title, year"
_SCHEMA = f"""CREATE TABLE facets (
    status TEXT NOT NULL, visible_from REAL NOT NULL, access TEXT NOT NULL, event_slug TEXT NOT NULL,
    event_title TEXT NOT NULL, year TEXT NOT NULL, materials INTEGER NOT NULL,
    PRIMARY KEY ({_GROUPED_BY})) WITHOUT ROWID"""


def _present(connection: sqlite3.Connection) -> bool:
    return (
        connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'facets'").fetchone()
        is not None
    )


def create(connection: sqlite3.Connection) -> None:
    """The groups' table, filled from the materials an index written before it already holds."""
    if not _present(connection):
        connection.execute(_SCHEMA)
        connection.execute(
            f"INSERT INTO facets SELECT {_GROUPED_BY}, count(*) FROM materials GROUP BY {_GROUPED_BY}"  # noqa: S608
        )


def count_in(connection: sqlite3.Connection, material_id: str) -> None:
    """A material just written to `materials` joins its group."""
    connection.execute(
        f"INSERT INTO facets SELECT {_GROUPED_BY}, 1 FROM materials WHERE id = ?"  # noqa: S608
        f" ON CONFLICT ({_GROUPED_BY}) DO UPDATE SET materials = materials + 1",
        (material_id,),
    )


def count_out(connection: sqlite3.Connection, material_id: str) -> None:
    """A material about to leave `materials` leaves its group; a group left empty goes."""
    group = connection.execute(f"SELECT {_GROUPED_BY} FROM materials WHERE id = ?", (material_id,)).fetchone()  # noqa: S608
    if group is None:
        return
    where = " AND ".join(f"{column} = ?" for column in _GROUPED_BY.split(", "))
    connection.execute(f"UPDATE facets SET materials = materials - 1 WHERE {where}", group)  # noqa: S608
    connection.execute(f"DELETE FROM facets WHERE materials <= 0 AND {where}", group)  # noqa: S608


def offered(
    connection: sqlite3.Connection, visible: str, values: dict[str, Any]
) -> tuple[list[tuple[str, str]], list[str]]:
    """The meetings (slug, title) and the years among what the visitor may open. `visible` is the
    visitor's rule over a material `m`, which the groups answer as a material would. An index file
    written before the groups were kept (until the index worker's next update) answers from its
    materials, as the groups would."""
    source = "facets" if _present(connection) else "materials"
    events = [
        (str(slug), str(title))
        for slug, title in connection.execute(
            f"SELECT DISTINCT m.event_slug, m.event_title FROM {source} m"  # noqa: S608
            f" WHERE {visible} AND m.event_slug != '' ORDER BY m.event_title",
            values,
        )
    ]
    years = [
        str(year)
        for (year,) in connection.execute(
            f"SELECT DISTINCT m.year FROM {source} m WHERE {visible} ORDER BY m.year DESC",  # noqa: S608
            values,
        )
    ]
    return events, years

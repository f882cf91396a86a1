"""Reading the audit log: a month at a time, newest first. Entries are written by each change's own transaction."""

from __future__ import annotations

from chalicelib.audit.store import AuditPage, audit_store
from chalicelib.core import clock

PAGE_SIZE = 50
MONTHS_SHOWN = 24


def month(name: str, cursor: str | None) -> AuditPage:
    """One page of a month's entries ('2026-11'); BadRequest for a malformed month or cursor."""
    return audit_store().month(name, PAGE_SIZE, cursor)


def recent_months() -> list[str]:
    """This month and the ones before it, newest first, for the month picker."""
    year, number = clock.now().year, clock.now().month
    months = []
    for _i in range(MONTHS_SHOWN):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months

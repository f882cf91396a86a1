"""Reading the audit log: a month at a time, newest first. Entries are written by each change's own transaction."""

from __future__ import annotations

import re

from chalicelib.audit.store import AuditEntry, audit_store
from chalicelib.core import clock
from chalicelib.core.errors import BadRequest
from chalicelib.core.i18n import _
from chalicelib.core.paging import Page

PAGE_SIZE = 50
MONTHS_SHOWN = 24
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month(name: str, cursor: str | None) -> Page[AuditEntry]:
    """One page of a month's entries ('2026-11'); BadRequest for a malformed month, BadCursor for a cursor
    that was not made for this month."""
    if not MONTH.match(name):
        raise BadRequest(_("Deze maand bestaat niet. Kies een maand uit de lijst."))
    return audit_store().month(name, PAGE_SIZE, cursor)


def recent_months() -> list[str]:
    """This month and the ones before it, newest first, for the month picker."""
    year, number = clock.now().year, clock.now().month
    months = []
    for _i in range(MONTHS_SHOWN):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months

"""The current time, in one place so that tests can move it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.config import TIMEZONE


def now() -> datetime:
    return datetime.now(TIMEZONE)


def local_time(moment: datetime) -> str:
    """A moment as the network's clock reads it (ISO 8601): such strings sort by time within a day,
    and a day's all start with its date."""
    return moment.astimezone(TIMEZONE).isoformat()

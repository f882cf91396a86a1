"""The current time, in one place so that tests can move it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.config import TIMEZONE


def now() -> datetime:
    return datetime.now(TIMEZONE)

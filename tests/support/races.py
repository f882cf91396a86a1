"""Races staged at their worst: every racer reads before any of them writes."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chalicelib.events.store import EventStore


def read_then_wait(monkeypatch: pytest.MonkeyPatch, people: int) -> None:
    """Every one of `people` registrations reads the event, then waits until all have read it."""
    barrier = threading.Barrier(people, timeout=60)
    read = EventStore.get_meta

    def get_meta(self: EventStore, slug: str) -> Any:
        event = read(self, slug)
        barrier.wait()
        return event

    monkeypatch.setattr(EventStore, "get_meta", get_meta)

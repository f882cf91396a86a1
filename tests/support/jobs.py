"""Scheduled jobs, invoked as EventBridge would."""

from __future__ import annotations

from typing import Any

from chalice.test import Client


def message_attendees(organiser: Any, slug: str, message: dict[str, str]) -> str:
    """An organiser's message to a meeting's attendees, sent through its form (a FormSession): the job's id."""
    response = organiser.post(f"/beheer/bijeenkomsten/{slug}/bericht", message)
    assert response.status_code == 303
    return str(response.headers["Location"]).rsplit("/", 1)[1]


def scheduled(client: Client, name: str) -> Any:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return client.lambda_.invoke(name, event).payload

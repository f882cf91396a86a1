"""Scheduled jobs, invoked as EventBridge would."""

from __future__ import annotations

from typing import Any

from chalice.test import Client


def scheduled(client: Client, name: str) -> Any:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    return client.lambda_.invoke(name, event).payload

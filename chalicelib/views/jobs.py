"""Scheduled Lambda functions (EventBridge rules), registered like routes."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Cron

from chalicelib.registrations import reminders, retention

bp = Blueprint(__name__)


@bp.schedule(Cron(0, 7, "*", "*", "?", "*"), name="send_reminders", description="Remind confirmed attendees")
def send_reminders(_event: Any) -> dict[str, int]:
    return {"sent": reminders.send_reminders()}


@bp.schedule(Cron(30, 2, "*", "*", "?", "*"), name="anonymise_registrations", description="Privacy retention")
def anonymise_registrations(_event: Any) -> dict[str, int]:
    return {"anonymised": retention.anonymise_old_registrations()}

"""A registration for an event, and its DynamoDB items.

Key layout (single table; see docs/data-model.md):
  EVENT#{slug} / REG#{email hash}  a registration (one per address per event)
  EVENT#{slug} / WAIT#{time}#{id}  a place on the waiting list, oldest first
  TOKEN#{token} / #TOKEN           the personal link, pointing at its registration
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chalicelib.core.entity import attributes, from_attributes
from chalicelib.core.fields import kept_out
from chalicelib.core.keys import email_key
from chalicelib.events.model import event_pk

REG_PREFIX = "REG#"
WAIT_PREFIX = "WAIT#"
TOKEN_SK = "#TOKEN"  # noqa: S105 (a sort key, not a secret)


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


# a confirmed registration that was checked in: a filter and a label, not a stored status
ATTENDED = "attended"


def token_pk(token: str) -> str:
    return f"TOKEN#{token}"


@dataclass
class Registration:
    event_slug: str = field(metadata=kept_out)  # in the key
    token: str
    name: str
    email: str
    organisation: str
    role: str
    created_at: datetime
    status: RegistrationStatus = RegistrationStatus.CONFIRMED
    remarks: str = ""
    language: str = "nl"  # mails about this registration go out in it
    event_title: str = ""  # copied, so a member's own list needs no read per event
    event_date: str = ""
    wait_key: str = ""  # SK of this registration's waiting-list entry, while waiting
    cancelled_at: datetime | None = None
    reminded_at: datetime | None = None
    attended_at: datetime | None = None  # checked in at the door

    @property
    def key(self) -> str:
        """The registration's name in organisers' URLs: its key without the prefix (a hash, no address)."""
        return self.sk.removeprefix(REG_PREFIX)

    @property
    def sk(self) -> str:
        return REG_PREFIX + email_key(self.email)

    def new_wait_key(self) -> str:
        # UTC microseconds first, so the waiting list Query returns the oldest first (also across DST)
        moment = self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        return f"{WAIT_PREFIX}{moment}#{email_key(self.email)[:12]}"

    def to_item(self) -> dict[str, Any]:
        return {
            "PK": event_pk(self.event_slug),
            "SK": self.sk,
            "type": "registration",
            **attributes(self),
            # a member's own registrations, across events
            "GSI2PK": f"REGEMAIL#{email_key(self.email)}",
            "GSI2SK": f"{self.event_date}#{self.event_slug}",
        }

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Registration:
        return from_attributes(cls, item, event_slug=item["PK"].removeprefix("EVENT#"))

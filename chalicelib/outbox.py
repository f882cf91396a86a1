"""The local outbox: mail that moto's SES accepted, read from moto server.

Only for the `local` stage, where moto stands in for SES; nothing is stored by
the portal itself for this.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from chalicelib import config
from chalicelib.errors import NotFound


@dataclass(frozen=True)
class SentMail:
    to: str
    subject: str
    html: str


def messages() -> list[SentMail]:
    """Newest first. NotFound outside the local stage, so the page does not exist there."""
    endpoint = config.aws_endpoint_url()
    if not config.is_local() or not endpoint:
        raise NotFound()
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=5) as response:  # noqa: S310 (local moto only)
        data = json.load(response)
    sent = data.get("ses", {}).get("Message", [])
    return [
        SentMail(", ".join(m["destinations"].get("ToAddresses", [])), m.get("subject", ""), m.get("body", ""))
        for m in reversed(sent)
    ]

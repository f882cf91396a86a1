"""The local outbox: mail that moto's SES accepted, read from moto server.

Only for the `local` stage, where moto stands in for SES; nothing is stored by
the portal itself for this.
"""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

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
    return [parse(m) for m in reversed(data.get("ses", {}).get("Message", []))]


def parse(message: dict[str, Any]) -> SentMail:
    """A message as moto stores it: SendEmail's parts, or SendRawEmail's MIME text."""
    if "raw_data" not in message:
        return SentMail(", ".join(message["destinations"].get("ToAddresses", [])), message["subject"], message["body"])
    mime: Any = email.message_from_string(message["raw_data"], policy=email.policy.default)  # an EmailMessage
    html = mime.get_body(("html",))
    if html is not None:
        body = html.get_content()
    else:  # plain text only (the newsletter): shown escaped
        plain = mime.get_body(("plain",))
        body = str(Markup("<pre>{}</pre>").format(plain.get_content() if plain else ""))
    # moto adds the To header to the Destinations given
    return SentMail(", ".join(dict.fromkeys(message["destinations"])), str(mime["subject"]), body)

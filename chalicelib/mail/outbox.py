"""The local outbox: mail that moto's SES accepted, read from moto server.

Only for the `local` stage, where moto stands in for SES; nothing is stored by
the portal itself for this.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import urllib.request
from dataclasses import dataclass

from markupsafe import Markup

from chalicelib.core import config
from chalicelib.core.errors import NotFound
from chalicelib.core.jsontypes import JsonObject


@dataclass(frozen=True)
class SentMail:
    """A mail moto's SES accepted, as the local outbox shows it."""

    to: str
    subject: str
    html: str
    resent: bool = False  # a copy the mail worker sent again after an unknown outcome


def messages() -> list[SentMail]:
    """Newest first. NotFound outside the local stage, so the page does not exist there."""
    endpoint = config.aws_endpoint_url()
    if not config.is_local() or not endpoint:
        raise NotFound()
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=5) as response:  # noqa: S310 (local moto only)
        data = json.load(response)
    # the portal sends every mail as raw MIME (SendRawEmail), so moto keeps them in one list, in order
    return [parse(m) for m in reversed(data.get("ses", {}).get("RawMessage", []))]


def parse(message: JsonObject) -> SentMail:
    """A message as moto stores it: the destinations and the MIME text."""
    mime = email.message_from_string(message["raw_data"], policy=email.policy.default)  # an EmailMessage
    html = mime.get_body(("html",))
    if html is not None:
        body = html.get_content()
        # inline images (the QR code) as data: URLs, which the page's CSP allows and cid: is not
        for part in mime.walk():
            if part["Content-ID"]:
                data = base64.b64encode(part.get_content()).decode()
                body = body.replace(
                    f"cid:{part['Content-ID'].strip('<>')}", f"data:{part.get_content_type()};base64,{data}"
                )
    else:  # plain text only (the newsletter): shown escaped
        plain = mime.get_body(("plain",))
        body = str(Markup("<pre>{}</pre>").format(plain.get_content() if plain else ""))
    # moto adds the To header to the Destinations given
    resent = mime["X-Portal-Resent"] is not None
    return SentMail(", ".join(dict.fromkeys(message["destinations"])), str(mime["subject"]), body, resent)

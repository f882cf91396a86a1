"""Outgoing mail through SES: composing a message, and sending one now.

A single mail sent in a request (`send`) reports failure and never raises: the
registration it belongs to stands either way. Mail to many goes through a job
(`mail/jobs.py`), whose worker calls `compose` and `deliver` itself.
"""

from __future__ import annotations

import io
import logging
from email.message import EmailMessage
from email.policy import SMTP
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws, config, observability, tenancy
from chalicelib.core.rendering import gettext, render

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient
    from mypy_boto3_ses.type_defs import SendRawEmailRequestTypeDef

log = logging.getLogger(__name__)

# Written out under RFC 5322's 998-character line limit rather than SMTP's 78: a long
# List-Unsubscribe URL must stay one plain header line, not be folded into encoded words
# that mail clients would not follow. The body's encoding is chosen before, under SMTP's.
LONG_HEADERS = SMTP.clone(max_line_length=998)


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """RFC 8058's headers: mail clients offer "unsubscribe" and POST to the link without opening it."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def compose(
    to: str,
    subject_msgid: str,
    template: str,
    language: str,
    images: dict[str, bytes] | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> bytes:
    """Render mail/{template}.txt and .html in `language` as one MIME message.

    `images` are PNGs shown inside the HTML as cid:{name} (the QR code at the door); `headers` are
    added as they are (`one_click_unsubscribe`).
    """
    subject = gettext(language, subject_msgid, **context.get("subject_params", {}))
    text = render(f"mail/{template}.txt", language, **context)
    html = render(f"mail/{template}.html", language, **context)
    return _mime(to, subject, text, html, images or {}, headers or {})


def deliver(to: str, raw: bytes, ses: SESClient | None = None) -> None:
    """Hand one composed message to SES, once: raises SES's error (the mail worker sorts them).
    `ses` is the mail worker's own client; a web request's is the default."""
    request: SendRawEmailRequestTypeDef = {
        "Source": config.mail_sender(),
        "Destinations": [to],
        "RawMessage": {"Data": raw},
        # SES's bounce and complaint events carry it back, so the address is suppressed in this network
        "Tags": [{"Name": "network", "Value": tenancy.name()}],
    }
    if name := config.mail_configuration_set():
        request["ConfigurationSetName"] = name
    (ses or aws.ses()).send_raw_email(**request)
    observability.count("MailsSent")


def send(
    to: str, subject_msgid: str, template: str, language: str, images: dict[str, bytes] | None = None, **context: Any
) -> bool:
    """Compose and send one mail now (a confirmation, a sign-in link); True if SES took it."""
    try:
        deliver(to, compose(to, subject_msgid, template, language, images, **context))
    except (ClientError, BotoCoreError) as error:
        # SES's error code tells throttling, an unverified sender and a paused account apart;
        # no address in the log: personal data stays out of CloudWatch
        code = observability.aws_error_code(error)
        log.warning("mail not sent", extra={"template": template, "aws_error": code})
        observability.count("MailsFailed", code=code)
        return False
    return True


def _mime(to: str, subject: str, text: str, html: str, images: dict[str, bytes], headers: dict[str, str]) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = config.mail_sender()
    message["To"] = to
    message["Reply-To"] = config.contact_address()  # the network's organisers, whatever address sends
    message["Subject"] = subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = message.get_body(("html",))
    for name, png in images.items():
        assert isinstance(html_part, EmailMessage)  # noqa: S101 (the part added just above)
        html_part.add_related(png, "image", "png", cid=f"<{name}>", filename=f"{name}.png")
    # an encoded (non-ASCII) subject keeps SMTP's folding; only a mail with a link header needs long lines
    return message.as_bytes(policy=LONG_HEADERS if headers else SMTP)


def qr_png(url: str) -> bytes:
    """A QR code of a link, as PNG (segno, imported here: only confirmation mail needs it)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=5, border=4)
    return out.getvalue()

"""Outgoing mail through SES. A failed send is reported, never raised:
the registration it belongs to stands either way."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws, config
from chalicelib.rendering import gettext, render

log = logging.getLogger(__name__)


def send(to: str, subject_msgid: str, template: str, language: str, **context: Any) -> bool:
    """Render mail/{template}.txt and .html in `language` and send them; True if SES took it."""
    subject = gettext(language, subject_msgid, **context.get("subject_params", {}))
    message = {
        "Subject": {"Data": subject, "Charset": "UTF-8"},
        "Body": {
            "Text": {"Data": render(f"mail/{template}.txt", language, **context), "Charset": "UTF-8"},
            "Html": {"Data": render(f"mail/{template}.html", language, **context), "Charset": "UTF-8"},
        },
    }
    try:
        aws.ses().send_email(Source=config.mail_sender(), Destination={"ToAddresses": [to]}, Message=message)
    except (ClientError, BotoCoreError) as error:
        # no address in the log: personal data stays out of CloudWatch
        log.warning("mail %s not sent: %s", template, type(error).__name__)
        return False
    return True

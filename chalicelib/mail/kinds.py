"""What a kind of mail job is to the mail worker: whom it goes to, and how each mail is written.

Each capability declares the kinds of mail it sends (registrations/messages.py, evaluations/messages.py,
accounts/newsletter.py, following/digest.py); the worker is given them (views/jobs.py), so that mail
knows how to send and record, and nothing of what the mails are about. Recipients are found by the
worker, never in the request: their number grows with the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.mail.model import MailJob, Recipient


@dataclass(frozen=True)
class Kind:
    """How the mail worker handles one kind of mail job: whom it goes to, and how each mail is written."""

    find: Callable[[MailJob], list[Recipient]]
    compose: Callable[[MailJob, Recipient, Any], bytes | None]  # None: nothing for them after all (skipped)
    load: Callable[[MailJob], Any]  # what every mail of one batch shares (the event), read once per batch
    after_sent: Callable[[MailJob, Recipient], None]


def nothing(job: MailJob) -> None:
    """A kind whose mails share nothing to load."""
    return None


def nothing_after(job: MailJob, recipient: Recipient) -> None:
    """A kind that records nothing once a mail is sent."""
    return None

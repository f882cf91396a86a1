"""Organisers hear that an account request waits for them: one mail to each organiser for each request
that needs their decision (its address confirmed, its domain not a trusted one).

The request's own request only records the mail job (one transaction and one queue message, whatever
the number of organisers); the mail worker finds the organisers and writes each mail as things stand
then, with every request still waiting. Never to the requester: they get their own mail (pending).
How many reach the organisers is bounded by what it takes to make one: a confirmed mailbox, and at
most config.ACCOUNT_REQUESTS_PER_CLIENT requests an hour from one client.
"""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.accounts.model import Account, AccountStatus
from chalicelib.accounts.store import account_store
from chalicelib.core import clock, config
from chalicelib.core.errors import PortalError
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.core.paging import Page
from chalicelib.mail import jobs
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.mail.store import JobExists

log = logging.getLogger(__name__)

SUBJECT = _("Een accountaanvraag wacht op goedkeuring")


def announce(account: Account) -> None:
    """Mail the organisers that `account` waits for them. The request stands whatever happens here: a
    job that could not be recorded or queued is logged; organisers still see the request counted on
    /beheer, and a job recorded but not queued is offered to start again on /beheer/verzendingen."""
    try:
        jobs.start(
            JobKind.ACCOUNT_REQUEST,
            account.email,
            "account.announced",
            clock.now(),
            # one per request: a repeat finds it recorded; a new request after the account was deleted is another
            job_id=f"account-request-{email_key(account.email)}-{int(account.created_at.timestamp())}",
        )
    except JobExists:
        return  # announced before
    except (PortalError, ClientError, BotoCoreError) as error:
        log.warning("account request not announced to the organisers", extra={"error": type(error).__name__})


# -- the mail job's kind ---------------------------------------------------------------------------


def _organisers(job: MailJob) -> list[Recipient]:
    return [Recipient(email_key(a.email), a.email, a.name, a.language) for a in account_store().organisers()]


def _waiting(job: MailJob) -> Page[Account]:
    """The requests waiting when the batch is written, the newest first: one page, as /beheer shows them."""
    return account_store().of_status(AccountStatus.PENDING, config.list_page_size(), None)


def _compose(job: MailJob, to: Recipient, waiting: Page[Account]) -> bytes | None:
    """One organiser's mail; None when an organiser decided every request before it went."""
    if not waiting.items:
        return None
    return mail.compose(
        to.email,
        SUBJECT,
        "account_request_waiting",
        to.language,
        recipient=to,
        waiting=waiting,
        link=f"{config.base_url()}/beheer/accounts",
    )


KINDS: dict[JobKind, Kind] = {JobKind.ACCOUNT_REQUEST: Kind(_organisers, _compose, _waiting, nothing_after)}

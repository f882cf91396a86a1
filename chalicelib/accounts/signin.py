"""Passwordless sign-in: a one-time link by mail, then a session (accounts/sessions.py).

A request to sign in is counted and put on a queue; the worker looks the address up and mails a
link only to an approved account. The request does the same work whether or not the address has an
account, so neither its answer nor its timing tells. Requests are counted in DynamoDB, in windows
that TTL clears (the limits in core/config.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from chalicelib.accounts import rate_limit, sessions
from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Access, Account, AccountStatus
from chalicelib.accounts.store import LinkUnusable, StaleAccount, account_store
from chalicelib.core import config, observability
from chalicelib.core.errors import LinkInvalid, TooManyAttempts, TooManyMails
from chalicelib.core.forms import clean_email
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.core.queue import put
from chalicelib.mail import sending as mail

log = logging.getLogger(__name__)

LATER_SECONDS = 15 * 60  # the one link past the ceiling: SQS delays a message at most this long


class MailNotSent(Exception):
    """The sign-in mail did not go out; raised in the worker so that the message is tried again."""


def request_link(form: Mapping[str, str], client: str, next_path: str, language: str) -> None:
    """Queue a sign-in link for the address; raise nothing that tells whether it has an account.
    TooManyMails once the address had its mails of the hour: that answer is the same for every
    address, and the owner still gets one more link a quarter of an hour later."""
    email = clean_email(form)
    address = email_key(email)  # hashed: no address in the table
    try:
        rate_limit.count(
            {f"signin-client#{email_key(client)}": config.SIGN_IN_LIMIT_PER_CLIENT}, config.SIGN_IN_WINDOW_SECONDS
        )
    except rate_limit.OverLimit as exc:
        raise TooManyAttempts() from exc
    message = {"email": email, "next": next_path, "language": language}
    try:
        rate_limit.mail_to(email)
    except rate_limit.OverLimit as over:
        try:  # one more link later, whoever asked: whoever spends the ceiling does not lock the owner out
            rate_limit.count({f"signin-later#{address}": 1}, rate_limit.MAIL_WINDOW_SECONDS)
        except rate_limit.OverLimit:
            raise TooManyMails() from over
        put(config.signin_queue_url(), message, delay=LATER_SECONDS)
        raise TooManyMails() from over
    put(config.signin_queue_url(), message)


def landing(account: Account) -> str:
    """Where a sign-in that came from no page in particular leads: to the work the account is for."""
    return "/beheer" if account.access == Access.ORGANISER else "/kennisbank"


def send_link(body: str) -> bool:
    """The sign-in worker: mail a link if the address belongs to an approved account; whether it did.
    An account that waits for an organiser's approval is told so by mail instead, so that its owner
    is not left waiting for a link (the page in the browser says the same for every address)."""
    try:
        message = json.loads(body)
        email, next_path, language = str(message["email"]), str(message["next"]), str(message["language"])
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable sign-in message; dropped")
        return False
    store = account_store()
    account = store.get(email)
    if account is not None and account.status == AccountStatus.PENDING:
        if not mail.send(
            account.email, _("Uw account wacht nog op goedkeuring"), "signin_pending", language, account=account
        ):
            raise MailNotSent()
        return False
    if account is None or not account.can_sign_in:
        return False
    token = store.add_link("signin", account, accounts.epoch(config.SIGN_IN_LINK_SECONDS), next_path)
    sent = mail.send(
        account.email,
        _("Uw link om in te loggen"),
        "signin",
        language,
        account=account,
        link=f"{config.base_url()}/inloggen/{token}",
        minutes=config.SIGN_IN_LINK_SECONDS // 60,
    )
    if not sent:  # SES refused or was unreachable: SQS hands the message out again (a new link then)
        raise MailNotSent()
    return True


def use_link(token: str) -> tuple[str, str]:
    """Use a sign-in link once and start a session; returns (session cookie value, local path to go to).
    The link is used only together with the session's start, so a fault in between leaves it usable."""
    if len(token) > 64:
        raise LinkInvalid()
    store = account_store()
    link = store.link("signin", token)
    if link is None or link.get("used_at") or int(link["expires_at"]) <= accounts.epoch():
        raise LinkInvalid()
    account = store.get_by_key(link["account"])
    if account is None or not account.can_sign_in:
        raise LinkInvalid()
    try:
        session = sessions.start(token, account)
        observability.count("SignIns")
        next_path = str(link.get("next") or "/")
        return session, landing(account) if next_path == "/" else next_path
    except (LinkUnusable, StaleAccount) as exc:  # used in another tab meanwhile, or the account changed
        raise LinkInvalid() from exc

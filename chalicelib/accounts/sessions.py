"""Sessions kept server side: the cookie holds the account's key and a random session id; the table
holds a hash of the id in the account's partition, with the account's session epoch.

A session ends when its item is deleted (signing out), when it expires, or when the account's
`session_epoch` moves past the one it was made under (disabled, rejected, a role change): then every
cookie of that account stops at its next request. A deleted and re-created account has another
`created_at`, so an old cookie never opens the new one.
"""

from __future__ import annotations

import logging
import secrets

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.accounts.model import Account
from chalicelib.accounts.store import account_store
from chalicelib.core import clock, config, observability
from chalicelib.core.keys import email_key, hashed

log = logging.getLogger(__name__)


def _parts(cookie_value: str | None) -> tuple[str, str] | None:
    """(account key, session id) from a cookie, or None for anything that cannot be one."""
    if not cookie_value or len(cookie_value) > 200 or cookie_value.count(".") != 1:
        return None
    account_key, session_id = cookie_value.split(".")
    if len(account_key) != 32 or not account_key.isalnum() or not 32 <= len(session_id) <= 64:
        return None
    return account_key, session_id


def start(link_token: str, account: Account) -> str:
    """Use a sign-in link and start a session for its account, together; the cookie's value.
    Raises LinkUnusable (used, expired, unknown) or StaleAccount (the account changed meanwhile)."""
    session_id = secrets.token_urlsafe(32)
    now = clock.now()
    at = int(now.timestamp())
    account_store().start_session(
        link_token, account, hashed(session_id), now.isoformat(), at + config.SESSION_SECONDS, at
    )
    return f"{email_key(account.email)}.{session_id}"


def account_for(cookie_value: str | None) -> Account | None:
    """The account a session cookie belongs to, if the session is still on and the account may sign in:
    one BatchGetItem per request, so that signing out or disabling takes effect at once."""
    parts = _parts(cookie_value)
    if parts is None:
        return None
    account, session = account_store().with_session(parts[0], hashed(parts[1]))
    if account is None or session is None or not account.can_sign_in:
        return None
    if int(session["expires_at"]) <= int(clock.now().timestamp()):  # TTL deletes late; the time decides
        return None
    if session["epoch"] != account.session_epoch or session["account_since"] != account.created_at.isoformat():
        return None
    return account


def session_id(cookie_value: str | None) -> str:
    """The session id in a cookie ("" without one): what a form's CSRF token is bound to."""
    parts = _parts(cookie_value)
    return parts[1] if parts else ""


def end(cookie_value: str | None) -> None:
    """Sign out: the session's item goes, so a copy of the cookie opens nothing either."""
    parts = _parts(cookie_value)
    if parts:
        account_store().delete_session(parts[0], hashed(parts[1]))


def end_earlier(cookie_value: str | None) -> None:
    """The session a browser had before it signed in anew ends too. Best effort: the new session is
    made and its link used, so a fault here is logged, and the old one expires within the day."""
    try:
        end(cookie_value)
    except (ClientError, BotoCoreError) as error:
        log.warning("an earlier session was left", extra={"aws_error": observability.aws_error_code(error)})


def end_all(account: Account) -> None:
    """Remove an account's sessions after its epoch moved on or it was deleted (tidying: they no longer open)."""
    account_store().delete_sessions(account)

"""Passwordless sign-in: a one-time link by mail, then a signed session cookie.

The answer to a sign-in request is the same whether or not the address has an
account. Requests are counted per address and per client in DynamoDB, in
windows that TTL clears.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from chalicelib import stores
from chalicelib.accounts import rate_limit
from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Account
from chalicelib.accounts.store import LinkUnusable
from chalicelib.core import clock, config
from chalicelib.core.errors import LinkInvalid, TooManyAttempts
from chalicelib.core.forms import clean_email
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.mail import sending as mail

COOKIE = "sessie"


class _ClockSigner(TimestampSigner):
    """Session age by the portal's clock, the one every other expiry uses."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config.secret_key(), salt="session", signer=_ClockSigner)


def request_link(form: Mapping[str, str], client: str, next_path: str, language: str) -> None:
    """Mail a sign-in link if the address belongs to an approved account; raise nothing that tells."""
    email = clean_email(form)
    client_key = hashlib.sha256(client.encode()).hexdigest()[:32]  # no IP address in the table
    try:
        rate_limit.count(
            {
                f"signin-address#{email_key(email)}": config.SIGN_IN_LIMIT_PER_ADDRESS,
                f"signin-client#{client_key}": config.SIGN_IN_LIMIT_PER_CLIENT,
            },
            config.SIGN_IN_WINDOW_SECONDS,
        )
    except rate_limit.OverLimit as exc:
        raise TooManyAttempts() from exc
    store = stores.accounts()
    account = store.get(email)
    if account is None or not account.can_sign_in:
        return
    token = store.add_link("signin", account, accounts.epoch(config.SIGN_IN_LINK_SECONDS), next_path)
    mail.send(
        account.email,
        _("Uw link om in te loggen"),
        "signin",
        language,
        account=account,
        link=f"{config.base_url()}/inloggen/{token}",
        minutes=config.SIGN_IN_LINK_SECONDS // 60,
    )


def use_link(token: str) -> tuple[str, str]:
    """Use a sign-in link once; returns (session cookie value, local path to go to)."""
    if len(token) > 64:
        raise LinkInvalid()
    store = stores.accounts()
    try:
        key, next_path = store.use_link("signin", token, accounts.epoch())
    except LinkUnusable as exc:
        raise LinkInvalid() from exc
    account = store.get_by_key(key)
    if account is None or not account.can_sign_in:
        raise LinkInvalid()
    return _serializer().dumps({"a": key}), next_path


def account_for(cookie_value: str | None) -> Account | None:
    """The signed-in account, read on every request, so that disabling takes effect at once."""
    if not cookie_value or len(cookie_value) > 512:
        return None
    try:
        data = _serializer().loads(cookie_value, max_age=config.SESSION_SECONDS)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str):
        return None
    account = stores.accounts().get_by_key(data["a"])
    return account if account and account.can_sign_in else None

"""Counting attempts per window, so that limits hold across Lambdas (the counters: accounts/attempts.py),
and the one ceiling on mail to an address that a visitor typed."""

from __future__ import annotations

from chalicelib.accounts.attempts import OverLimit, attempt_store
from chalicelib.core import clock, config
from chalicelib.core.keys import email_key

__all__ = ["OverLimit", "count", "mail_to", "seconds_left"]

MAIL_WINDOW_SECONDS = 60 * 60


def count(scopes: dict[str, int], window_seconds: int) -> None:
    """One more attempt in each scope ({scope: limit}) in the current window; OverLimit past any limit."""
    now = int(clock.now().timestamp())
    window = now - now % window_seconds
    attempt_store().add(scopes, window, expires=window + 2 * window_seconds)


def seconds_left(window_seconds: int) -> int:
    """Seconds until the current window ends and its counters start again."""
    now = int(clock.now().timestamp())
    return window_seconds - now % window_seconds


def mail_to(address: str) -> None:
    """Count one more mail to an address that a visitor typed: a sign-in link, an account request's
    link, a registration's confirmation or its link sent again. One ceiling for all of them, whoever
    asks and from wherever, so that nobody can flood an inbox by spreading requests over forms or
    clients; OverLimit past it. The address is hashed: no address in the table."""
    count({f"mail-to#{email_key(address)}": config.MAILS_PER_ADDRESS_PER_HOUR}, MAIL_WINDOW_SECONDS)

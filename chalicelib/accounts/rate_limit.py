"""Counting attempts per window, so that limits hold across Lambdas (the counters: accounts/attempts.py)."""

from __future__ import annotations

from chalicelib.accounts.attempts import OverLimit, attempt_store
from chalicelib.core import clock

__all__ = ["OverLimit", "count", "seconds_left"]


def count(scopes: dict[str, int], window_seconds: int) -> None:
    """One more attempt in each scope ({scope: limit}) in the current window; OverLimit past any limit."""
    now = int(clock.now().timestamp())
    window = now - now % window_seconds
    attempt_store().add(scopes, window, expires=window + 2 * window_seconds)


def seconds_left(window_seconds: int) -> int:
    """Seconds until the current window ends and its counters start again."""
    now = int(clock.now().timestamp())
    return window_seconds - now % window_seconds

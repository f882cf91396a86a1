"""CSRF protection: signed double-submit cookie (OWASP).

The browser holds a random value in an HttpOnly cookie; each form carries an
HMAC of that value under the server's key. A cross-site page can neither read
the cookie nor compute the HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from chalicelib.core import config

COOKIE = "csrf"
FIELD = "csrf_token"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_for(secret: str) -> str:
    return hmac.new(config.secret_key(), secret.encode(), hashlib.sha256).hexdigest()


def is_valid(secret: str | None, token: str | None) -> bool:
    if not secret or not token:
        return False
    return hmac.compare_digest(token_for(secret), token)

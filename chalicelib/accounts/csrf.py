"""CSRF protection: signed double-submit cookie, bound to the session (OWASP).

The browser holds a random value in an HttpOnly cookie; each form carries an
HMAC, under the server's key, of that value and of the visitor's session id (none
before signing in). A cross-site page can neither read the cookies nor compute
the HMAC; and a pair planted from the attacker's own visit is bound to another
session (or to none), so it fails in the victim's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from chalicelib.core.secret import secret_key

COOKIE = "csrf"
FIELD = "csrf_token"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_for(secret: str, session_id: str) -> str:
    message = f"{secret}|{session_id}".encode()
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()


def is_valid(secret: str | None, session_id: str, token: str | None) -> bool:
    if not secret or not token:
        return False
    return hmac.compare_digest(token_for(secret, session_id), token)

"""The portal's secret key, which signs CSRF tokens, page cursors and unsubscribe and calendar links:
a literal locally, an SSM SecureString when deployed (read once per cold start)."""

from __future__ import annotations

import os
from functools import lru_cache

from chalicelib.core import aws


def secret_key() -> bytes:
    return _secret_key(os.environ.get("SECRET_KEY", ""), os.environ.get("SECRET_KEY_PARAMETER", ""))


@lru_cache(maxsize=2)
def _secret_key(literal: str, parameter: str) -> bytes:
    """The HMAC key for CSRF tokens: a literal locally, an SSM SecureString when deployed."""
    if parameter:
        literal = aws.ssm().get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    if len(literal) < 32:
        raise RuntimeError("SECRET_KEY (or the SSM parameter) must be at least 32 characters")
    return literal.encode()

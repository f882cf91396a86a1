"""Keys that hold no personal data."""

from __future__ import annotations

import hashlib


def email_key(email: str) -> str:
    """Registrations are keyed by a hash, so that keys hold no address and
    anonymising a registration later never has to move it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]

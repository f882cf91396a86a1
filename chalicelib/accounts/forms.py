"""The rules of the account request and profile forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.core.forms import FieldError, email_address, limited_text, raise_if


@dataclass(frozen=True)
class AccountInput:
    """An account request as the form gave it, checked."""

    name: str
    email: str
    organisation: str
    job: str
    reason: str = ""
    newsletter: bool = False


def clean_account_request(data: Mapping[str, str]) -> AccountInput:
    errors: dict[str, FieldError] = {}
    name = limited_text(data, "name", errors)
    email = email_address(limited_text(data, "email", errors), errors)
    organisation = limited_text(data, "organisation", errors)
    job = limited_text(data, "job", errors)
    reason = limited_text(data, "reason", errors)
    raise_if(errors, ("name", "email", "organisation", "job", "reason"))
    return AccountInput(name, email, organisation, job, reason, data.get("newsletter") == "yes")


def clean_profile(data: Mapping[str, str]) -> AccountInput:
    """What a member may change about themselves: not the address, which is the account."""
    errors: dict[str, FieldError] = {}
    name = limited_text(data, "name", errors)
    organisation = limited_text(data, "organisation", errors)
    job = limited_text(data, "job", errors)
    raise_if(errors, ("name", "organisation", "job"))
    return AccountInput(name, "", organisation, job, "", data.get("newsletter") == "yes")

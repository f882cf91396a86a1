"""Validation of what visitors type. Messages are Dutch msgids, translated when shown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from chalicelib.errors import InvalidInput
from chalicelib.i18n import _

LIMITS = {"name": 100, "email": 254, "organisation": 150, "role": 100, "remarks": 1000, "job": 100, "reason": 500}
MULTILINE = ("remarks", "reason")
# bidirectional overrides can disguise text in mails and lists
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class FieldError(NamedTuple):
    """A message for one field; `max` and `other` fill its %(max)d and %(other)s."""

    msgid: str
    max: int = 0
    other: str = ""


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    email: str
    organisation: str
    role: str
    remarks: str = ""


def _bad_characters(value: str, multiline: bool) -> bool:
    allowed = "\n\r\t" if multiline else ""
    return any(
        (unicodedata.category(c) == "Cc" and c not in allowed) or c in _BIDI_CONTROLS or c == "\ufffd" for c in value
    )


def _text(data: Mapping[str, str], name: str, errors: dict[str, FieldError], required: bool = True) -> str:
    return text_field(data, name, errors, LIMITS[name], name in MULTILINE, required)


def text_field(
    data: Mapping[str, str],
    name: str,
    errors: dict[str, FieldError],
    limit: int,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """A text field: control characters refused, white space tidied, length limited."""
    raw = data.get(name, "")
    if _bad_characters(raw, multiline):
        errors[name] = FieldError(_("Dit veld bevat tekens die niet zijn toegestaan."))
        return raw
    value = raw.strip() if multiline else " ".join(raw.split())
    if len(value) > limit:
        errors[name] = FieldError(_("Dit veld is te lang (maximaal %(max)d tekens)."), limit)
    elif required and not value:
        errors[name] = FieldError(_("Dit veld is verplicht."))
    return value


def _email(value: str, errors: dict[str, FieldError]) -> str:
    """The normalised address, or the value as typed with a message in `errors`."""
    if not value or "email" in errors:
        return value
    # imported here: 35 ms of cold start that only posted forms need
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = FieldError(_("Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."))
        return value


def raise_if(errors: dict[str, FieldError], fields: tuple[str, ...]) -> None:
    if errors:
        # in the order of the form, so the summary reads top to bottom
        raise InvalidInput({name: errors[name] for name in fields if name in errors})


def clean_registration(data: Mapping[str, str], roles: tuple[str, ...]) -> RegistrationInput:
    """Return the cleaned input, or raise InvalidInput with a message per field."""
    errors: dict[str, FieldError] = {}
    name = _text(data, "name", errors)
    email = _text(data, "email", errors)
    organisation = _text(data, "organisation", errors)
    role = _text(data, "role", errors, required=not roles)
    remarks = _text(data, "remarks", errors, required=False)
    email = _email(email, errors)
    if roles and "role" not in errors and role not in roles:
        errors["role"] = FieldError(_("Kies een van de genoemde functies."))
    if data.get("consent") != "yes":
        errors["consent"] = FieldError(_("Geef toestemming om uw gegevens voor deze bijeenkomst te gebruiken."))
    raise_if(errors, ("name", "email", "organisation", "role", "remarks", "consent"))
    return RegistrationInput(name=name, email=email, organisation=organisation, role=role, remarks=remarks)


@dataclass(frozen=True)
class AccountInput:
    name: str
    email: str
    organisation: str
    job: str
    reason: str = ""
    newsletter: bool = False


def clean_account_request(data: Mapping[str, str]) -> AccountInput:
    errors: dict[str, FieldError] = {}
    name = _text(data, "name", errors)
    email = _email(_text(data, "email", errors), errors)
    organisation = _text(data, "organisation", errors)
    job = _text(data, "job", errors)
    reason = _text(data, "reason", errors)
    raise_if(errors, ("name", "email", "organisation", "job", "reason"))
    return AccountInput(name, email, organisation, job, reason, data.get("newsletter") == "yes")


def clean_profile(data: Mapping[str, str]) -> AccountInput:
    """What a member may change about themselves: not the address, which is the account."""
    errors: dict[str, FieldError] = {}
    name = _text(data, "name", errors)
    organisation = _text(data, "organisation", errors)
    job = _text(data, "job", errors)
    raise_if(errors, ("name", "organisation", "job"))
    return AccountInput(name, "", organisation, job, "", data.get("newsletter") == "yes")


def clean_email_field(data: Mapping[str, str], errors: dict[str, FieldError]) -> str:
    """The 'email' field, normalised; a message in `errors` if it is missing or not an address."""
    return _email(_text(data, "email", errors), errors)


def clean_email(data: Mapping[str, str]) -> str:
    errors: dict[str, FieldError] = {}
    email = _email(_text(data, "email", errors), errors)
    raise_if(errors, ("email",))
    return email


def slugify(title: str, fallback: str = "bericht") -> str:
    """A URL name from a title: lowercase ASCII letters, digits and single hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-") or fallback

"""Rules for form fields that every form shares: text, numbers, addresses, a message per field.

Messages are Dutch msgids, translated when shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# FieldError lives with InvalidInput, which carries them; forms name it too, as everything that parses does
from chalicelib.core.errors import FieldError as FieldError
from chalicelib.core.errors import InvalidInput
from chalicelib.core.i18n import _

LIMITS = {"name": 100, "email": 254, "organisation": 150, "role": 100, "remarks": 1000, "job": 100, "reason": 500}
MULTILINE = ("remarks", "reason")
# bidirectional overrides can disguise text in mails and lists
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _bad_characters(value: str, multiline: bool) -> bool:
    allowed = "\n\r\t" if multiline else ""
    return any(
        (unicodedata.category(c) == "Cc" and c not in allowed) or c in _BIDI_CONTROLS or c == "\ufffd" for c in value
    )


def limited_text(data: Mapping[str, str], name: str, errors: dict[str, FieldError], required: bool = True) -> str:
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
    if multiline:  # browsers send a textarea's line breaks as CRLF
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _bad_characters(raw, multiline):
        errors[name] = FieldError(_("Dit veld bevat tekens die niet zijn toegestaan."))
        return raw
    value = raw.strip() if multiline else " ".join(raw.split())
    if len(value) > limit:
        errors[name] = FieldError(_("Dit veld is te lang (maximaal %(max)d tekens)."), limit)
    elif required and not value:
        errors[name] = FieldError(_("Dit veld is verplicht."))
    return value


def email_address(value: str, errors: dict[str, FieldError]) -> str:
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


def whole_number(raw: str) -> int | None:
    """A whole number of 0 or more typed in ASCII digits, or None: `str.isdigit` also accepts "²", which `int` refuses."""
    value = raw.strip()
    if not value or len(value) > 9 or not all("0" <= c <= "9" for c in value):
        return None
    return int(value)


def raise_if(errors: dict[str, FieldError], fields: tuple[str, ...]) -> None:
    if errors:
        # in the order of the form, so the summary reads top to bottom
        raise InvalidInput({name: errors[name] for name in fields if name in errors})


def clean_email_field(data: Mapping[str, str], errors: dict[str, FieldError]) -> str:
    """The 'email' field, normalised; a message in `errors` if it is missing or not an address."""
    return email_address(limited_text(data, "email", errors), errors)


def clean_email(data: Mapping[str, str]) -> str:
    """A form of one address: the address, or InvalidInput."""
    errors: dict[str, FieldError] = {}
    email = clean_email_field(data, errors)
    raise_if(errors, ("email",))
    return email


def slugify(title: str, fallback: str = "bericht") -> str:
    """A URL name from a title: lowercase ASCII letters, digits and single hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:80].rstrip("-") or fallback

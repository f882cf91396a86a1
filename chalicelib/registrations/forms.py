"""The registration form's rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.core.forms import FieldError, email_address, limited_text, raise_if
from chalicelib.core.i18n import _


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    email: str
    organisation: str
    role: str
    remarks: str = ""


def clean_registration(data: Mapping[str, str], roles: tuple[str, ...]) -> RegistrationInput:
    """Return the cleaned input, or raise InvalidInput with a message per field."""
    errors: dict[str, FieldError] = {}
    name = limited_text(data, "name", errors)
    email = limited_text(data, "email", errors)
    organisation = limited_text(data, "organisation", errors)
    role = limited_text(data, "role", errors, required=not roles)
    remarks = limited_text(data, "remarks", errors, required=False)
    email = email_address(email, errors)
    if roles and "role" not in errors and role not in roles:
        errors["role"] = FieldError(_("Kies een van de genoemde functies."))
    if data.get("consent") != "yes":
        errors["consent"] = FieldError(_("Geef toestemming om uw gegevens voor deze bijeenkomst te gebruiken."))
    raise_if(errors, ("name", "email", "organisation", "role", "remarks", "consent"))
    return RegistrationInput(name=name, email=email, organisation=organisation, role=role, remarks=remarks)

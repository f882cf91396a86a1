"""Validation of registration input (pure unit tests: no AWS)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.errors import InvalidInput
from chalicelib.core.forms import LIMITS
from chalicelib.registrations.forms import clean_registration
from tests.support.factories import registration_form

ROLES = ("Aandachtsfunctionaris", "Specialist CTER (politie)")


# what normalising has work on: spaces in the name, capitals in the address's domain, two lines of remarks
TO_NORMALISE = {"name": "  Elsje   van Dijk ", "email": "Elsje.van.Dijk@NCTV.nl", "remarks": "Regel 1\nRegel 2"}


def valid(**overrides: str) -> dict[str, str]:
    """A registration form that passes, with the values above unless the test names others."""
    return registration_form(**{**TO_NORMALISE, **overrides})


def errors_of(form: dict[str, str], roles: tuple[str, ...] = ROLES) -> dict[str, str]:
    with pytest.raises(InvalidInput) as raised:
        clean_registration(form, roles)
    return {name: error.msgid for name, error in raised.value.fields.items()}


def test_clean_input_is_normalised():
    data = clean_registration(valid(), ROLES)
    assert data.name == "Elsje van Dijk"
    assert data.email == "Elsje.van.Dijk@nctv.nl"  # domain lowercased, local part kept
    assert data.remarks == "Regel 1\nRegel 2"


def test_everything_missing_is_reported_in_form_order():
    assert list(errors_of({})) == ["name", "email", "organisation", "role", "consent"]


def test_role_must_be_one_of_the_events_roles_but_is_free_text_without_them():
    assert errors_of(valid(role="Astronaut")) == {"role": "Kies een van de genoemde functies."}
    assert clean_registration(valid(role="Astronaut"), ()).role == "Astronaut"
    assert errors_of(valid(role=""), ()) == {"role": "Dit veld is verplicht."}


@pytest.mark.parametrize("field", ["name", "organisation", "email"])
def test_newlines_and_control_characters_are_refused_in_one_line_fields(field):
    assert field in errors_of(valid(**{field: "a\nb"}))
    assert field in errors_of(valid(**{field: "a\x07b"}))


def test_remarks_may_have_lines_but_no_other_control_characters():
    # the CRLF that browsers send is kept as one line break
    assert clean_registration(valid(remarks="a\r\n\tb"), ROLES).remarks == "a\n\tb"
    assert clean_registration(valid(remarks="a\rb"), ROLES).remarks == "a\nb"
    assert "remarks" in errors_of(valid(remarks="a\x00b"))
    assert "remarks" in errors_of(valid(remarks="a\u202eb"))


# email is limited by email-validator (below), role by the event's list
@pytest.mark.parametrize("field", ["name", "organisation", "remarks"])
def test_every_text_field_has_a_length_limit(field):
    limit = LIMITS[field]
    assert getattr(clean_registration(valid(**{field: "x" * limit}), ()), field) == "x" * limit
    assert errors_of(valid(**{field: "x" * (limit + 1)}), ())[field].startswith("Dit veld is te lang")


def test_overlong_email_is_refused():
    assert "email" in errors_of(valid(email="a" * 250 + "@b.nl"))


@given(st.dictionaries(st.sampled_from([*LIMITS, "consent", "other"]), st.text(max_size=300)))
def test_any_input_either_validates_or_names_its_fields(form):
    """Whatever a visitor types, the answer is data or per-field messages, never a crash."""
    try:
        clean_registration(form, ROLES)
    except InvalidInput as invalid:
        fields = invalid.fields
    else:
        return
    assert fields
    assert set(fields) <= {*LIMITS, "consent"}

"""The registration process against moto's DynamoDB and SES (in-process, mock_aws)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.core import tenancy
from chalicelib.core.errors import (
    AlreadyCancelled,
    EventNotFound,
    InvalidInput,
    RegistrationClosed,
    RegistrationNotFound,
)
from chalicelib.events.model import AttendanceMode
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.aws import sent_mail
from tests.support.factories import in_days, registration_form
from tests.support.stored import present


def test_registrations_are_confirmed_until_full_then_wait_in_order(make_event):
    make_event(capacity=2)
    outcomes = [registration.register("netwerkbijeenkomst-test", registration_form(), "nl") for _ in range(4)]

    assert [o.registration.status for o in outcomes] == ["confirmed", "confirmed", "waiting", "waiting"]
    event = present(event_store().get_meta("netwerkbijeenkomst-test"))
    assert (event.confirmed, event.waiting) == (2, 2)
    positions = [registration.find(o.registration.token)[2] for o in outcomes[2:]]
    assert positions == [1, 2]


def test_confirmation_mail_carries_the_personal_link(make_event):
    make_event()
    outcome = registration.register("netwerkbijeenkomst-test", registration_form(), "nl")

    mail = sent_mail()[-1]
    assert mail.destinations["ToAddresses"] == [outcome.registration.email]
    assert mail.subject == "Uw aanmelding voor Netwerkbijeenkomst Maatschappelijk ongenoegen"
    assert f"http://127.0.0.1:8000/r/{outcome.registration.token}" in mail.body
    assert outcome.mail_failed is False


def test_mail_goes_out_in_the_registrants_language(make_event):
    make_event()
    registration.register("netwerkbijeenkomst-test", registration_form(), "en")

    mail = sent_mail()[-1]
    assert mail.subject == "Your registration for Netwerkbijeenkomst Maatschappelijk ongenoegen"
    assert "Thursday 18 March 2027" in mail.body


def test_same_address_twice_makes_one_registration_and_resends_the_link(make_event):
    make_event()
    first = registration.register("netwerkbijeenkomst-test", registration_form(email="Jan@Politie.nl"), "nl")
    again = registration.register("netwerkbijeenkomst-test", registration_form(email="jan@politie.nl"), "nl")

    assert again.created is False
    assert again.registration.token == first.registration.token
    assert len(registration_store().list_for_event("netwerkbijeenkomst-test")) == 1
    assert present(event_store().get_meta("netwerkbijeenkomst-test")).confirmed == 1
    assert first.registration.token in sent_mail()[-1].body


def test_cancelling_frees_the_seat_for_the_first_in_line(make_event):
    make_event(capacity=1)
    holder = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    first = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    second = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration

    cancelled = moves.cancel(holder.token)

    assert cancelled.status == "cancelled"
    assert registration.find(first.token)[0].status == "confirmed"
    assert registration.find(second.token)[2] == 1  # moved up
    event = present(event_store().get_meta("netwerkbijeenkomst-test"))
    assert (event.confirmed, event.waiting) == (1, 1)
    promoted_mail, cancelled_mail = sent_mail()[-2:]
    assert promoted_mail.destinations["ToAddresses"] == [first.email]
    assert "Er is een plaats vrij" in promoted_mail.subject
    assert cancelled_mail.destinations["ToAddresses"] == [holder.email]
    assert "is geannuleerd" in cancelled_mail.subject


def test_cancelling_without_a_waiting_list_gives_the_seat_back(make_event):
    make_event(capacity=1)
    holder = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    moves.cancel(holder.token)

    assert present(event_store().get_meta("netwerkbijeenkomst-test")).confirmed == 0
    newcomer = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    assert newcomer.status == "confirmed"


def test_leaving_the_waiting_list(make_event):
    make_event(capacity=1)
    registration.register("netwerkbijeenkomst-test", registration_form(), "nl")
    waiting = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration

    moves.cancel(waiting.token)

    event = present(event_store().get_meta("netwerkbijeenkomst-test"))
    assert (event.confirmed, event.waiting) == (1, 0)
    assert registration_store().first_waiting("netwerkbijeenkomst-test", AttendanceMode.ON_SITE) is None


def test_cancelling_twice_is_refused(make_event):
    make_event()
    reg = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    moves.cancel(reg.token)
    with pytest.raises(AlreadyCancelled):
        moves.cancel(reg.token)
    assert present(event_store().get_meta("netwerkbijeenkomst-test")).confirmed == 0


def test_someone_who_cancelled_may_register_again(make_event):
    make_event()
    form = registration_form()
    first = registration.register("netwerkbijeenkomst-test", form, "nl").registration
    moves.cancel(first.token)

    again = registration.register("netwerkbijeenkomst-test", form, "nl")

    assert again.created is True
    assert again.registration.status == "confirmed"
    assert present(event_store().get_meta("netwerkbijeenkomst-test")).confirmed == 1


def test_registration_closes_at_the_deadline(make_event, now):
    event = make_event()
    now["value"] = event.registration_deadline
    with pytest.raises(RegistrationClosed):
        registration.register("netwerkbijeenkomst-test", registration_form(), "nl")
    assert registration_store().list_for_event("netwerkbijeenkomst-test") == []


def test_a_cancelled_event_takes_no_registrations(make_event):
    make_event(status="cancelled")
    with pytest.raises(RegistrationClosed):
        registration.register("netwerkbijeenkomst-test", registration_form(), "nl")


def test_cancelling_after_the_start_is_refused(make_event, now):
    make_event()
    reg = registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration
    now["value"] = in_days(500)
    with pytest.raises(RegistrationClosed):
        moves.cancel(reg.token)


def test_invalid_input_writes_nothing(make_event):
    make_event()
    with pytest.raises(InvalidInput) as raised:
        registration.register(
            "netwerkbijeenkomst-test", registration_form(email="not-an-address", role="Astronaut"), "nl"
        )
    assert set(raised.value.fields) == {"email", "role"}
    assert registration_store().list_for_event("netwerkbijeenkomst-test") == []
    assert sent_mail() == []


def test_unknown_event_and_token(moto):
    with pytest.raises(EventNotFound):
        registration.register("bestaat-niet", registration_form(), "nl")
    with pytest.raises(RegistrationNotFound):
        registration.find("x" * 43)
    with pytest.raises(RegistrationNotFound):
        registration.find("x" * 500)


def test_a_failed_mail_leaves_the_registration_standing(make_event):
    make_event()
    # SES (and moto) refuse unverified senders: a real failure, not a fake
    with tenancy.within(replace(tenancy.current(), sender="unverified@elders.example")):
        outcome = registration.register("netwerkbijeenkomst-test", registration_form(), "nl")

    assert outcome.mail_failed is True
    assert registration.find(outcome.registration.token)[0].status == "confirmed"
    assert sent_mail() == []


def test_tokens_are_long_and_random(make_event):
    make_event(capacity=10)
    tokens = {
        registration.register("netwerkbijeenkomst-test", registration_form(), "nl").registration.token for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(t) >= 43 for t in tokens)  # 32 random bytes


def test_the_link_is_resent_up_to_the_mail_ceiling_of_the_address(make_event, now):
    """Anyone can type someone else's address; the owner's mailbox is not a target."""
    from chalicelib.core import config

    make_event()
    form = registration_form()
    registration.register("netwerkbijeenkomst-test", form, "nl")
    outcomes = [registration.register("netwerkbijeenkomst-test", form, "nl") for _ in range(6)]
    # past the ceiling nothing goes, and nothing says so (that would tell the address is registered)
    assert {o.mail_failed for o in outcomes} == {False}
    assert len(sent_mail()) == config.MAILS_PER_ADDRESS_PER_HOUR

    now["value"] = in_days(1)  # a later hour: the owner can ask again
    registration.register("netwerkbijeenkomst-test", form, "nl")
    assert len(sent_mail()) == config.MAILS_PER_ADDRESS_PER_HOUR + 1

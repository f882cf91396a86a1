"""Writes that arrive twice: a registration (form and API), a cancellation and a message to attendees
sent again with the same one-time key register, cancel and queue once, mail once, and answer as the
first did. Each guarantee has a negative control: without the key (or with another) the same steps
register or mail twice, so the checks can fail.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from chalicelib.core import aws, idempotency
from chalicelib.core.idempotency import KeyStore
from chalicelib.core.tenancy import in_this_network
from chalicelib.mail import jobs
from chalicelib.mail.model import JobKind
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import mailed_token
from tests.support.aws import sent_mail
from tests.support.factories import build_event, registration_form, store_event
from tests.support.faults import fault_after
from tests.support.races import read_then_wait

SLUG = "netwerkbijeenkomst-test"
REGISTER = f"/events/{SLUG}/aanmelden"
API = f"/api/v1/events/{SLUG}/registrations"
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def api_body(**overrides: str) -> dict[str, Any]:
    form = registration_form(**overrides)
    return {**form, "consent": True}


def post_api(client, body: dict[str, Any], key: str | None = KEY) -> tuple[int, Any, dict[str, str]]:
    headers = {"content-type": "application/json", **({"Idempotency-Key": key} if key is not None else {})}
    response = client.http.post(API, body=json.dumps(body).encode(), headers=headers)
    return response.status_code, json.loads(response.body), dict(response.headers)


def kinds_of_mail(address: str) -> list[str]:
    """The mails `address` got, oldest first: confirmation, already (the link again), cancelled."""
    kinds = []
    for mail in sent_mail():
        if address in mail.destinations["ToAddresses"]:
            subject = mail.subject.strip()
            kind = "already" if subject.startswith("U bent al") else "cancelled" if "geannuleerd" in subject else ""
            kinds.append(kind or "confirmation")
    return kinds


def registrations() -> int:
    return len(registration_store().list_for_event(SLUG))


def form_key(page_body: bytes) -> str:
    [key] = re.findall(rf'name="{idempotency.FIELD}" value="([^"]+)"', page_body.decode())
    return key


# -- the API: a repeat with the same Idempotency-Key ---------------------------------------------------


def test_a_repeated_api_registration_registers_and_mails_once_with_the_same_answer(make_event, client):
    make_event()
    body = api_body()

    first = post_api(client, body)
    again = post_api(client, body)

    assert first[:2] == again[:2]
    assert first[0] == 202
    assert first[1]["mail_sent"] is True
    assert registrations() == 1
    assert kinds_of_mail(body["email"]) == ["confirmation"]


@pytest.mark.parametrize("second_key", [None, "another-key"])
def test_negative_control_without_the_same_key_a_repeat_mails_again(make_event, client, second_key):
    make_event()
    body = api_body()

    post_api(client, body, key=None)
    post_api(client, body, key=second_key)

    assert kinds_of_mail(body["email"]) == ["confirmation", "already"]  # the check above would fail


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(make_event, client):
    make_event()
    body = api_body()
    post_api(client, body)

    status, problem, headers = post_api(client, {**body, "name": "Iemand anders"})

    assert status == 422
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["detail"].startswith("Deze Idempotency-Key is al gebruikt voor een verzoek met een andere inhoud.")
    assert registrations() == 1
    assert kinds_of_mail(body["email"]) == ["confirmation"]


def test_a_key_is_scoped_to_its_meeting(make_event, client):
    """The same key for another meeting is another request: the first one's answer is not given."""
    make_event()
    make_event(slug="tweede-bijeenkomst")
    body = api_body()
    post_api(client, body)
    response = client.http.post(
        "/api/v1/events/tweede-bijeenkomst/registrations",
        body=json.dumps(body).encode(),
        headers={"content-type": "application/json", "Idempotency-Key": KEY},
    )
    assert response.status_code == 202
    assert kinds_of_mail(body["email"]) == ["confirmation", "confirmation"]


@pytest.mark.parametrize("key", ['"' + "x" * 256 + '"', "sleutel met spaties", "sleutel-é"])
def test_a_key_that_is_no_key_is_a_clear_400(make_event, client, key):
    make_event()
    status, problem, _ = post_api(client, api_body(), key=key)
    assert status == 400
    assert "Idempotency-Key" in problem["detail"]
    assert registrations() == 0


def test_a_structured_field_string_is_the_same_key_as_the_bare_value(make_event, client):
    make_event()
    body = api_body()
    post_api(client, body, key=KEY)
    assert post_api(client, body, key=f'"{KEY}"')[0] == 202
    assert kinds_of_mail(body["email"]) == ["confirmation"]


# -- a retry after a 503 whose write had gone through ------------------------------------------------


def the_registration_write(params: dict[str, Any]) -> bool:
    """The registration's own transaction (not the count of mails to the address)."""
    return any(
        item.get("Put", {}).get("Item", {}).get("SK", {}).get("S", "").startswith("REG#")
        for item in params["TransactItems"]
    )


def test_a_retry_after_a_503_that_came_after_the_write_registers_and_confirms_once(make_event, client):
    make_event()
    body = api_body()

    with fault_after(aws.dynamodb(), "TransactWriteItems", the_registration_write) as injected:
        status, _problem, headers = post_api(client, body)
    retried = post_api(client, body)

    assert injected.calls == 1
    assert (status, headers["Retry-After"]) == (503, "5")
    assert retried[0] == 202
    assert retried[1]["mail_sent"] is True
    assert registrations() == 1
    assert kinds_of_mail(body["email"]) == ["confirmation"]


def test_negative_control_a_retry_without_the_key_gets_no_confirmation(make_event, client):
    make_event()
    body = api_body()

    with fault_after(aws.dynamodb(), "TransactWriteItems", the_registration_write):
        assert post_api(client, body, key=None)[0] == 503
    post_api(client, body, key=None)

    assert kinds_of_mail(body["email"]) == ["already"]  # "exactly one confirmation" above would fail


def test_a_retry_after_a_crash_waits_for_the_claim_to_lapse_then_confirms_once(make_event, client, now, monkeypatch):
    """A request that died after the write could not give up its claim on the mail: a retry is told to
    wait (409 with Retry-After) while that request might still be sending it, and sends it after."""
    make_event()
    body = api_body()
    monkeypatch.setattr(KeyStore, "give_up", lambda self, request: None)  # the request crashed

    with fault_after(aws.dynamodb(), "TransactWriteItems", the_registration_write):
        post_api(client, body)
    waiting = post_api(client, body)
    now["value"] += idempotency.LEASE
    retried = post_api(client, body)

    assert (waiting[0], waiting[2]["Retry-After"]) == (409, "5")
    assert waiting[1]["detail"].startswith("Een verzoek met dezelfde Idempotency-Key wordt nog verwerkt.")
    assert retried[0] == 202
    assert registrations() == 1
    assert kinds_of_mail(body["email"]) == ["confirmation"]


def test_a_retry_after_the_mail_failed_sends_it_once(make_event, client):
    """The first answer says the mail could not go and to send again: a repeat with the key sends it."""
    from tests.support.faults import fault

    make_event()
    body = api_body()
    with fault(aws.ses(), "SendRawEmail", code="Throttling"):
        first = post_api(client, body)
    retried = post_api(client, body)
    again = post_api(client, body)

    assert first[1]["mail_sent"] is False
    assert retried[1]["mail_sent"] is again[1]["mail_sent"] is True
    assert kinds_of_mail(body["email"]) == ["confirmation"]


# -- the form: a double click, a browser's resend ---------------------------------------------------


def test_the_form_carries_a_one_time_value_kept_through_input_errors_and_fresh_after(make_event, visitor):
    make_event()
    fresh = form_key(visitor.get(f"/events/{SLUG}").body)
    assert fresh != form_key(visitor.get(f"/events/{SLUG}").body)

    refused = visitor.post(REGISTER, {**registration_form(email="geen adres"), idempotency.FIELD: fresh})
    assert refused.status_code == 422
    assert form_key(refused.body) == fresh

    form = {**registration_form(), idempotency.FIELD: fresh}
    assert visitor.post(REGISTER, form).status_code == 200
    assert form_key(visitor.get(f"/events/{SLUG}").body) != fresh


def test_a_form_sent_twice_registers_once_and_shows_the_same_page(make_event, visitor):
    make_event()
    form = {**registration_form(), idempotency.FIELD: form_key(visitor.get(f"/events/{SLUG}").body)}

    first = visitor.post(REGISTER, form)
    again = visitor.post(REGISTER, form)

    assert (first.status_code, first.body) == (again.status_code, again.body) == (200, first.body)
    assert registrations() == 1
    assert kinds_of_mail(form["email"]) == ["confirmation"]


def test_a_form_resent_while_the_first_request_may_still_mail_says_so_then_confirms_once(
    make_event, visitor, now, monkeypatch
):
    """As the API's 409: the first request died after its write, holding the mail. The resent form
    is told to try again in a moment (it used to show "sent" while no mail went), and after the
    lease it sends the confirmation, once."""
    make_event()
    monkeypatch.setattr(KeyStore, "give_up", lambda self, request: None)  # the request crashed
    form = {**registration_form(), idempotency.FIELD: form_key(visitor.get(f"/events/{SLUG}").body)}

    with fault_after(aws.dynamodb(), "TransactWriteItems", the_registration_write):
        assert visitor.post(REGISTER, form).status_code == 503
    waiting = visitor.post(REGISTER, form)
    now["value"] += idempotency.LEASE
    retried = visitor.post(REGISTER, form)

    assert (waiting.status_code, waiting.headers["Retry-After"]) == (409, "5")
    assert "Uw eerdere verzending van dit formulier wordt nog verwerkt." in waiting.body.decode()
    assert retried.status_code == 200
    assert registrations() == 1
    assert kinds_of_mail(form["email"]) == ["confirmation"]


def test_a_form_sent_again_with_other_content_is_refused(make_event, visitor):
    make_event()
    form = {**registration_form(), idempotency.FIELD: form_key(visitor.get(f"/events/{SLUG}").body)}
    visitor.post(REGISTER, form)

    refused = visitor.post(REGISTER, {**form, "organisation": "Politie Rotterdam"})

    assert refused.status_code == 422
    assert "Dit formulier is al verstuurd, met andere gegevens." in refused.body.decode()
    assert registrations() == 1


def double_click(form: dict[str, str], keys: tuple[str, str]) -> list[registration.Outcome]:
    """Two POSTs of one form at once, as two Lambdas get them: both read the meeting before either writes."""
    start = threading.Barrier(2)

    def one(key: str) -> registration.Outcome:
        start.wait()
        return registration.register(SLUG, form, "nl", key)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(in_this_network(one), keys))


def test_a_double_clicked_form_registers_and_mails_once(moto_server, monkeypatch):
    store_event(build_event())
    read_then_wait(monkeypatch, 2)
    form, key = registration_form(), idempotency.new_key()

    outcomes = double_click(form, (key, key))

    assert registrations() == 1
    assert kinds_of_mail(form["email"]) == ["confirmation"]
    # the page each click gets shows the same: what was typed, and the mail on its way
    assert {(o.submitted.email, o.submitted.name, o.mail_failed) for o in outcomes} == {
        (form["email"], form["name"], False)
    }


def test_a_double_click_by_an_address_registered_already_mails_its_link_once(moto_server, monkeypatch):
    store_event(build_event())
    form = registration_form()
    registration.register(SLUG, form, "nl")
    read_then_wait(monkeypatch, 2)
    key = idempotency.new_key()

    double_click(form, (key, key))

    assert registrations() == 1
    assert kinds_of_mail(form["email"]) == ["confirmation", "already"]


def test_negative_control_a_double_click_with_two_keys_mails_twice(moto_server, monkeypatch):
    store_event(build_event())
    read_then_wait(monkeypatch, 2)
    form = registration_form()

    double_click(form, (idempotency.new_key(), idempotency.new_key()))

    assert sorted(kinds_of_mail(form["email"])) == ["already", "confirmation"]  # the check above would fail


# -- cancelling -----------------------------------------------------------------------------------------


def test_a_cancellation_sent_twice_answers_the_same_and_mails_once(make_event, visitor):
    make_event()
    form = registration_form()
    visitor.post(REGISTER, form)
    token = mailed_token(form["email"])
    cancel = {idempotency.FIELD: form_key(visitor.get(f"/r/{token}/annuleren").body)}

    first = visitor.post(f"/r/{token}/annuleren", cancel)
    again = visitor.post(f"/r/{token}/annuleren", cancel)

    assert (first.status_code, first.headers["Location"]) == (303, f"/r/{token}?geannuleerd=1")
    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    assert kinds_of_mail(form["email"]) == ["confirmation", "cancelled"]


def test_negative_control_a_cancellation_sent_twice_without_the_key_is_refused(make_event, visitor):
    make_event()
    form = registration_form()
    visitor.post(REGISTER, form)
    token = mailed_token(form["email"])

    visitor.post(f"/r/{token}/annuleren", {})
    assert visitor.post(f"/r/{token}/annuleren", {}).status_code == 409  # "cancelled already"


def test_an_api_cancellation_repeated_with_its_key_answers_the_same(make_event, client):
    make_event()
    body = api_body()
    post_api(client, body, key=None)
    token = mailed_token(body["email"])

    def delete(key: str | None) -> tuple[int, Any]:
        response = client.http.delete(f"/api/v1/registrations/{token}", headers={"Idempotency-Key": key} if key else {})
        return response.status_code, json.loads(response.body)

    assert delete(KEY) == delete(KEY) == (200, {"status": "cancelled"})
    assert delete(None)[0] == 409  # negative control: without the key, a repeat is "cancelled already"
    assert kinds_of_mail(body["email"]) == ["confirmation", "cancelled"]


# -- a message to attendees -----------------------------------------------------------------------------

MESSAGE = {"subject": "Parkeren", "body": "Parkeer bij het station."}


def attendee_messages() -> int:
    return sum(job.kind == JobKind.ATTENDEE_MESSAGE for job in jobs.recent())


def test_a_message_sent_twice_starts_one_job(make_event, organiser):
    make_event()
    form = {**MESSAGE, idempotency.FIELD: form_key(organiser.get(f"/beheer/bijeenkomsten/{SLUG}/bericht").body)}

    first = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", form)
    again = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", form)

    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert attendee_messages() == 1
    refused = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", {**form, "body": "Een ander bericht."})
    assert refused.status_code == 422
    assert attendee_messages() == 1


def test_negative_control_a_message_sent_twice_without_its_key_starts_two_jobs(make_event, organiser):
    make_event()
    organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", MESSAGE)
    organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", MESSAGE)
    assert attendee_messages() == 2


def test_a_message_sent_again_after_its_queue_failed_is_queued_then(make_event, organiser):
    """The first request recorded the job, then SQS failed (503): the same form again queues that job."""
    from tests.support.faults import fault

    make_event()
    form = {**MESSAGE, idempotency.FIELD: form_key(organiser.get(f"/beheer/bijeenkomsten/{SLUG}/bericht").body)}
    with fault(aws.sqs(), "SendMessage", code="ServiceUnavailable", status=503):
        assert organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", form).status_code == 503
    assert queued_finds() == 0  # recorded, not queued

    assert organiser.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", form).status_code == 303

    assert queued_finds() == 1
    assert attendee_messages() == 1


def queued_finds() -> int:
    from tests.support.aws import LOCAL_STAGE

    url = LOCAL_STAGE["MAIL_QUEUE_URL"]
    found = aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(found["Attributes"]["ApproximateNumberOfMessages"])


def test_the_api_document_describes_the_header_where_it_is_taken(client):
    document = json.loads(client.http.get("/api/v1/openapi.json").body)
    header = {"$ref": "#/components/parameters/Idempotency-Key"}
    assert header in document["paths"]["/events/{slug}/registrations"]["post"]["parameters"]
    assert header in document["paths"]["/registrations/{token}"]["delete"]["parameters"]
    described = document["components"]["parameters"]["Idempotency-Key"]
    assert (described["in"], described["required"]) == ("header", False)

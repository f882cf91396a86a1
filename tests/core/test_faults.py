"""Faults AWS can raise, on each write path: throttling, conflicts, 5xx and lost connections answer a
clear "try again in a moment" (503 with Retry-After) or are retried, never a 500; nothing is
half-written, and the seat counters still equal the confirmed registrations afterwards."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.core import aws
from chalicelib.events.store import event_store
from chalicelib.library.store import library_store
from chalicelib.registrations import attendance
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import make_account, on_the_day, sign_in
from tests.support.factories import registration_form
from tests.support.faults import Fault, fault
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}"
CONFLICT: Fault = {"code": "TransactionCanceledException", "reasons": ["TransactionConflict", "None", "None"]}


@pytest.fixture
def organiser(client, make_event) -> FormSession:
    make_event(capacity=3)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def assert_counters_hold() -> None:
    """The event's seat counters equal its registrations, and the overview's figures a slow count."""
    event = present(event_store().get(SLUG))
    regs = registration_store().list_for_event(SLUG)
    assert event.confirmed == sum(r.status == "confirmed" for r in regs)
    assert event.waiting == sum(r.status == "waiting" for r in regs)
    kept = Counter({k: v for k, v in event_store().figures(SLUG).items() if v})
    assert kept == +attendance.count_slowly(SLUG)


def test_a_check_in_that_conflicts_with_a_registration_is_tried_again(organiser, now):
    reg = registration.register(SLUG, registration_form(), "nl").registration
    on_the_day(now, organiser)
    with fault(aws.dynamodb(), "TransactWriteItems", times=2, **CONFLICT) as injected:
        response = organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {})
    assert injected.calls == 2
    assert response.status_code == 303
    assert present(registration_store().get(SLUG, reg.sk)).attended_at is not None
    assert_counters_hold()


def test_negative_control_a_conflict_that_lasts_is_a_503_not_a_409(organiser, now):
    reg = registration.register(SLUG, registration_form(), "nl").registration
    on_the_day(now, organiser)
    with fault(aws.dynamodb(), "TransactWriteItems", **CONFLICT) as injected:
        response = organiser.post(f"{BASE}/aanmeldingen/{reg.key}/aanwezig", {})
    assert injected.calls == aws.TRANSACTION_ATTEMPTS
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Het is even te druk" in response.body.decode()
    assert present(registration_store().get(SLUG, reg.sk)).attended_at is None
    assert_counters_hold()


THROTTLED: Fault = {"code": "ProvisionedThroughputExceededException"}


def assert_busy(response) -> None:
    assert response.status_code == 503, response.body[:300]
    assert response.headers["Retry-After"] == "5"
    assert "Het is even te druk" in response.body.decode()


@pytest.mark.parametrize("how", [THROTTLED, {"connection": True}, {"code": "InternalServerError", "status": 500}])
def test_registering_while_dynamodb_fails_is_a_503_and_writes_nothing(make_event, visitor, how):
    make_event(capacity=3)
    with fault(aws.dynamodb(), "TransactWriteItems", **how):
        response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert_busy(response)
    assert registration_store().list_for_event(SLUG) == []
    assert_counters_hold()


def test_registering_while_ses_is_down_keeps_the_registration_and_says_so(make_event, visitor):
    make_event(capacity=3)
    with fault(aws.ses(), "SendRawEmail", code="ServiceUnavailable", status=503):
        response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert response.status_code == 200
    assert "We konden de e-mail met uw persoonlijke link nu niet sturen." in response.body.decode()
    assert len(registration_store().list_for_event(SLUG)) == 1
    assert_counters_hold()


def full_event_with_one_waiting(make_event) -> tuple[str, str]:
    """Three seats taken and one person waiting; (first confirmed's token, the waiter's address)."""
    make_event(capacity=3)
    first = registration.register(SLUG, registration_form(), "nl").registration
    for _ in range(2):
        registration.register(SLUG, registration_form(), "nl")
    waiter = registration.register(SLUG, registration_form(), "nl").registration
    assert waiter.status == "waiting"
    return first.token, waiter.email


def test_a_cancel_with_promotion_that_conflicts_is_tried_again(make_event, visitor):
    token, waiter = full_event_with_one_waiting(make_event)
    conflict: Fault = {**CONFLICT, "reasons": ["TransactionConflict", "None", "None", "None", "None"]}
    with fault(aws.dynamodb(), "TransactWriteItems", times=1, **conflict):
        response = visitor.post(f"/r/{token}/annuleren", {})
    assert response.status_code == 303
    statuses = {r.email: r.status for r in registration_store().list_for_event(SLUG)}
    assert statuses[waiter] == "confirmed"
    assert_counters_hold()


def test_a_cancel_while_dynamodb_throttles_is_a_503_and_changes_nothing(make_event, visitor):
    token, _waiter = full_event_with_one_waiting(make_event)
    with fault(aws.dynamodb(), "TransactWriteItems", **THROTTLED):
        response = visitor.post(f"/r/{token}/annuleren", {})
    assert_busy(response)
    regs = {r.token: r.status for r in registration_store().list_for_event(SLUG)}
    assert regs[token] == "confirmed"
    assert sorted(regs.values()) == ["confirmed"] * 3 + ["waiting"]
    assert_counters_hold()


def test_asking_a_sign_in_link_when_the_queue_is_unreachable_is_a_503(moto, client):
    make_account("lid@rotterdam.nl")
    with fault(aws.sqs(), "SendMessage", connection=True):
        response = FormSession(client).post("/inloggen", {"email": "lid@rotterdam.nl"})
    assert_busy(response)


def test_a_sign_in_link_stays_usable_when_the_session_cannot_be_written(moto, client):
    from tests.support.accounts import last_link

    make_account("lid@rotterdam.nl")
    visitor = FormSession(client)
    visitor.post("/inloggen", {"email": "lid@rotterdam.nl"})
    token = last_link("lid@rotterdam.nl", "/inloggen")
    with fault(aws.dynamodb(), "TransactWriteItems", code="InternalServerError", status=500):
        assert_busy(visitor.post(f"/inloggen/{token}", {}))
    assert visitor.post(f"/inloggen/{token}", {}).status_code == 303  # the link was not used up


def test_an_event_edit_while_throttled_is_a_503_and_the_event_is_unchanged(organiser):
    from tests.support.events import event_form, version

    before = event_store().get(SLUG)
    form = event_form(title="Nieuwe titel", capacity="3", version=version(SLUG))
    with fault(aws.dynamodb(), "TransactWriteItems", **THROTTLED):
        assert_busy(organiser.post(f"/beheer/bijeenkomsten/{SLUG}", form))
    assert event_store().get(SLUG) == before
    assert organiser.post(f"/beheer/bijeenkomsten/{SLUG}", form).status_code == 303  # and then it goes


def test_publishing_a_material_while_throttled_is_a_503_and_it_stays_a_draft(organiser):
    from tests.support.library import put_material

    draft = put_material("public", status="draft", title="Conceptdia's")
    with fault(aws.dynamodb(), "TransactWriteItems", **THROTTLED):
        assert_busy(organiser.post(f"/beheer/materialen/{draft.id}/publiceren", {}))
    assert present(library_store().material(draft.id)).status == "draft"


def test_publishing_a_material_when_the_index_queue_is_down_still_publishes(organiser):
    """The material is the record; the index catches up at the daily rebuild."""
    from tests.support.library import put_material

    draft = put_material("public", status="draft", title="Conceptdia's")
    with fault(aws.sqs(), "SendMessage", connection=True):
        assert organiser.post(f"/beheer/materialen/{draft.id}/publiceren", {}).status_code == 303
    assert present(library_store().material(draft.id)).status == "published"


def test_negative_control_without_the_translation_a_fault_is_a_500(make_event, visitor, monkeypatch):
    """The 503s above come from core/faults.py: with it switched off, the same fault is Chalice's 500."""
    from chalicelib.core import faults

    monkeypatch.setattr(faults, "is_passing", lambda error: False)
    make_event(capacity=3)
    with fault(aws.dynamodb(), "TransactWriteItems", **THROTTLED):
        assert visitor.post(f"/events/{SLUG}/aanmelden", registration_form()).status_code == 500


def test_a_sign_in_mail_that_ses_refuses_is_tried_again(moto, client):
    from chalicelib.accounts import signin
    from tests.support.aws import LOCAL_STAGE, deliver_sign_in_links, sent_mail

    make_account("lid@rotterdam.nl")
    FormSession(client).post("/inloggen", {"email": "lid@rotterdam.nl"})
    [message] = aws.sqs().receive_message(QueueUrl=LOCAL_STAGE["SIGNIN_QUEUE_URL"])["Messages"]
    with fault(aws.ses(), "SendRawEmail", code="Throttling", status=400), pytest.raises(signin.MailNotSent):
        signin.send_link(message["Body"])  # the handler raises: SQS keeps the message and hands it out again
    aws.sqs().change_message_visibility(
        QueueUrl=LOCAL_STAGE["SIGNIN_QUEUE_URL"], ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert deliver_sign_in_links() == 1
    assert [m.destinations["ToAddresses"] for m in sent_mail()] == [["lid@rotterdam.nl"]]


def test_a_session_read_that_fails_twice_is_still_a_503_page_not_a_500(moto, client):
    """The error page must not read the session again: when that read is what failed, a second
    failure would escape the error handler."""
    from tests.support.accounts import sign_in

    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    with fault(aws.dynamodb(), "BatchGetItem", **THROTTLED) as injected:
        response = member.get("/account")
    assert_busy(response)
    assert injected.calls == 4  # one read: the first try and botocore's three retries; the error page read nothing


def test_saving_news_while_throttled_is_a_503_not_slug_taken(organiser):
    form = {"title": "Nieuwe aanpak", "body": "Tekst"}
    throttled_item: Fault = {"code": "TransactionCanceledException", "reasons": ["ThrottlingError", "None"]}
    with fault(aws.dynamodb(), "TransactWriteItems", **throttled_item):
        response = organiser.post("/beheer/nieuws", form)
    assert_busy(response)

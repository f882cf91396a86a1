"""The exact number of AWS calls each request makes (botocore event hooks)."""

from __future__ import annotations

from chalicelib.core import aws, idempotency
from chalicelib.networks import logo
from chalicelib.networks import service as networks
from tests.support.accounts import mailed_token
from tests.support.aws import KEYED_REGISTERING_CALLS, REGISTERING_CALLS, deliver_sign_in_links, hooked
from tests.support.factories import registration_form
from tests.support.images import png
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"


def test_event_page_is_one_dynamodb_read(make_event, visitor, aws_calls):
    make_event()
    aws_calls.reset()
    visitor.get(f"/events/{SLUG}")
    assert dict(aws_calls.calls) == {"dynamodb.Query": 1}


def test_with_a_logo_the_event_page_is_still_one_read_and_the_logo_one_s3_read(make_event, visitor, aws_calls):
    make_event()
    name = logo.use(png(), "test").name
    networks.all_networks()  # the list of networks read again, as a warm process holds it
    s3_calls: list[str] = []
    with hooked(aws.s3(), "before-call.s3", lambda model, **_: s3_calls.append(model.name)):
        aws_calls.reset()
        page = visitor.get(f"/events/{SLUG}").body.decode()
        assert f'src="/logo/{name}"' in page  # its name came with the network's settings
        assert (dict(aws_calls.calls), s3_calls) == ({"dynamodb.Query": 1}, [])
        aws_calls.reset()
        visitor.client.http.get(f"/logo/{name}", headers={"accept": "image/png,*/*"})
        assert (dict(aws_calls.calls), s3_calls) == ({}, ["GetObject"])


def test_registering_is_three_dynamodb_requests_and_one_mail(make_event, visitor, aws_calls):
    make_event()
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert dict(aws_calls.calls) == REGISTERING_CALLS


def test_joining_the_waiting_list_costs_the_same(make_event, visitor, aws_calls):
    make_event(capacity=0)
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    assert dict(aws_calls.calls) == REGISTERING_CALLS


def test_a_duplicate_costs_what_a_new_registration_costs(make_event, visitor, aws_calls):
    """The existing registration comes back with the failed condition, so the same calls answer a known
    address and a new one: neither their number nor their kind tells whether the address is registered."""
    make_event()
    form = registration_form()
    visitor.post(f"/events/{SLUG}/aanmelden", form)
    aws_calls.reset()
    FormSession(visitor.client).post(f"/events/{SLUG}/aanmelden", form)
    assert dict(aws_calls.calls) == REGISTERING_CALLS


def test_a_form_with_its_one_time_value_costs_one_update_more_for_a_new_and_a_known_address(
    make_event, visitor, aws_calls
):
    make_event()
    form = registration_form()
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", {**form, idempotency.FIELD: idempotency.new_key()})
    assert dict(aws_calls.calls) == KEYED_REGISTERING_CALLS
    aws_calls.reset()
    FormSession(visitor.client).post(f"/events/{SLUG}/aanmelden", {**form, idempotency.FIELD: idempotency.new_key()})
    assert dict(aws_calls.calls) == KEYED_REGISTERING_CALLS


def test_a_repeat_of_a_form_reads_the_registration_and_sends_nothing(make_event, visitor, aws_calls):
    make_event()
    form = {**registration_form(), idempotency.FIELD: idempotency.new_key()}
    visitor.post(f"/events/{SLUG}/aanmelden", form)
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", form)
    # the event, the mail count, the transaction refused on the key (which comes back with it), the registration
    assert dict(aws_calls.calls) == {"dynamodb.GetItem": 2, "dynamodb.TransactWriteItems": 2}


def test_invalid_input_costs_one_read_and_the_page(make_event, visitor, aws_calls):
    make_event()
    aws_calls.reset()
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form(email="x"))
    assert dict(aws_calls.calls) == {"dynamodb.GetItem": 1, "dynamodb.Query": 1}


def test_listing_pages_are_one_query(make_event, visitor, aws_calls):
    make_event()
    aws_calls.reset()
    for path in ("/events", "/events?when=past", "/api/v1/events"):
        aws_calls.reset()
        visitor.get(path)
        assert dict(aws_calls.calls) == {"dynamodb.Query": 1}, path
    aws_calls.reset()
    visitor.get("/")
    assert dict(aws_calls.calls) == {"dynamodb.Query": 2}  # upcoming events, and the latest news beside them


def test_personal_page_and_cancel(make_event, visitor, aws_calls):
    make_event(capacity=1)
    form = registration_form()
    visitor.post(f"/events/{SLUG}/aanmelden", form)
    visitor.post(f"/events/{SLUG}/aanmelden", registration_form())
    token = mailed_token(form["email"])

    aws_calls.reset()
    visitor.get(f"/r/{token}")
    # token -> registration, then the event with its programme
    assert dict(aws_calls.calls) == {"dynamodb.GetItem": 2, "dynamodb.Query": 1}

    aws_calls.reset()
    visitor.post(f"/r/{token}/annuleren", {})
    # read as above, find the first waiting (Query + GetItem), one transaction, mail the promoted
    # person and the one who cancelled
    assert dict(aws_calls.calls) == {
        "dynamodb.GetItem": 3,
        "dynamodb.Query": 2,
        "dynamodb.TransactWriteItems": 1,
        "ses.SendRawEmail": 2,
    }


def test_a_signed_in_visitor_costs_one_more_read(make_event, client, aws_calls):
    from tests.support.accounts import make_account, sign_in

    make_event()
    make_account("m@rotterdam.nl")
    member = sign_in(FormSession(client), "m@rotterdam.nl")
    aws_calls.reset()
    member.get(f"/events/{SLUG}")
    # the session with its account (both checked on every request) in one BatchGetItem, then the event
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1}


def test_a_sign_in_request_costs(moto, client, aws_calls):
    from tests.support.accounts import make_account

    make_account("m@rotterdam.nl")
    aws_calls.reset()
    FormSession(client).post("/inloggen", {"email": "m@rotterdam.nl"})
    # count the client's attempt and the mail to the address, queue the link: the same for any address
    assert dict(aws_calls.calls) == {"dynamodb.TransactWriteItems": 2, "sqs.SendMessage": 1}
    aws_calls.reset()
    deliver_sign_in_links()
    # the worker: read the account, store the link, mail it (the local poller's SQS calls left aside)
    worker = {call: n for call, n in aws_calls.calls.items() if not call.startswith("sqs.")}
    assert worker == {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1, "ses.SendRawEmail": 1}


def test_the_library_reads_its_index_not_the_table(moto, client, aws_calls):
    from tests.support.accounts import make_account, sign_in

    make_account("lid@rotterdam.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    aws_calls.reset()
    FormSession(client).get("/kennisbank")
    assert dict(aws_calls.calls) == {}  # the materials come from the search index in /tmp
    aws_calls.reset()
    member.get("/kennisbank")
    # the session, and the member's registrations (for attendee material)
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1}
    aws_calls.reset()
    organiser.get("/kennisbank")
    # organisers open everything: no registrations to read
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1}


def test_workspace_requests_cost(make_event, client, aws_calls, now):
    """The organiser's session is one BatchGetItem on every request; the rest is the work itself."""
    from chalicelib.registrations import service as registration
    from tests.support.accounts import make_account, on_the_day, sign_in

    make_event()
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    reg = registration.register(SLUG, registration_form(), "nl").registration
    base = f"/beheer/bijeenkomsten/{SLUG}"
    on_the_day(now, organiser)  # check-in opens on the meeting's day

    aws_calls.reset()
    organiser.post(f"{base}/aanmeldingen/{reg.key}/aanwezig", {})
    # session, the registration and its meeting (is it the day?), then the check-in and its audit entry
    # in one transaction
    assert dict(aws_calls.calls) == {
        "dynamodb.BatchGetItem": 1,
        "dynamodb.GetItem": 2,
        "dynamodb.TransactWriteItems": 1,
    }

    for path, calls in (
        # session + the event with programme and materials, + one page of its registrations
        (f"{base}/aanmeldingen", {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 2}),
        # ... + the figures (how many are in: one Query of STATS and its shards)
        (f"{base}/inchecken", {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 3}),
        # session + the event + its figures: no registration is read
        (f"{base}/overzicht", {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 2}),
        # session + one page of one status
        ("/beheer/bijeenkomsten", {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1}),
    ):
        aws_calls.reset()
        assert organiser.get(path).status_code == 200
        assert dict(aws_calls.calls) == calls, path

    aws_calls.reset()
    response = organiser.post(base + "/programma", {"version": "0", "start": "15:00", "end": "15:30", "title": "Pauze"})
    assert response.status_code == 303
    # session, the event, then the event, its slots and the audit entry in one transaction
    assert dict(aws_calls.calls) == {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1, "dynamodb.TransactWriteItems": 1}

    aws_calls.reset()
    form = {"name": "Elsje van Dijk", "email": "elsje@nctv.nl", "slot_2": "yes"}
    assert organiser.post(base + "/sprekers", form).status_code == 303
    # session, the event (read once, for the slots and the mail), the speaker with link and audit, the mail
    assert dict(aws_calls.calls) == {
        "dynamodb.BatchGetItem": 1,
        "dynamodb.Query": 1,
        "dynamodb.TransactWriteItems": 1,
        "ses.SendRawEmail": 1,
    }

"""Hostile input that used to give a redirect elsewhere or a 500: return paths, Unicode digits,
and pages that must never be cached."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from chalice.test import Client, HTTPResponse

from chalicelib.core import config
from tests.support.accounts import last_link, make_account, request_form, sign_in
from tests.support.aws import sent_mail
from tests.support.web import FormSession

HOSTILE_RETURN_PATHS = [
    "/\t/evil.example",  # a browser drops the tab: "//evil.example"
    "/%09/evil.example",
    "/%0A",
    "/\n",
    "/%0D%0ALocation:%20https://evil.example",
    "//evil.example",
    "/%2F/evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\u2028x",
    "/\x00",
    " /kennisbank",
    "/" + "a" * 600,
]


@pytest.mark.parametrize("hostile", HOSTILE_RETURN_PATHS)
def test_a_hostile_return_path_after_a_language_switch_goes_home(client, hostile):
    from urllib.parse import quote

    response = client.http.get(f"/taal/en?next={quote(hostile, safe='%/')}")
    assert (response.status_code, response.headers["Location"]) == (303, "/")


def test_negative_control_a_plain_return_path_is_kept(client):
    response = client.http.get("/taal/en?next=/kennisbank%3Fq%3Dpolarisatie")
    assert response.headers["Location"] == "/kennisbank?q=polarisatie"
    assert (
        client.http.get("/taal/en?next=/events/netwerkbijeenkomst").headers["Location"] == "/events/netwerkbijeenkomst"
    )


def sign_in_returning_to(client: Client, next_path: str) -> HTTPResponse:
    """A member asks for a sign-in link that should bring them back to `next_path`, and follows it."""
    make_account("lid@rotterdam.nl")
    visitor = FormSession(client)
    visitor.post("/inloggen", {"email": "lid@rotterdam.nl", "next": next_path})
    return visitor.post(f"/inloggen/{last_link('lid@rotterdam.nl', '/inloggen')}", {})


@pytest.mark.parametrize("hostile", ["/\n", "/%09/evil.example", "//evil.example"])
def test_a_sign_in_link_with_a_hostile_return_path_signs_in_and_goes_home(moto, client, hostile):
    response = sign_in_returning_to(client, hostile)
    # the member's own landing, on this site; the link was not wasted on a 500
    assert (response.status_code, response.headers["Location"]) == (303, "/kennisbank?ingelogd=1")


@pytest.mark.parametrize("target", ["/€", "/kennisbank?q=café", "/%E2%82%AC"])
def test_a_return_path_outside_ascii_is_encoded_once_and_the_link_signs_in(moto, client, target):
    response = sign_in_returning_to(client, target)
    location = response.headers["Location"]
    assert response.status_code == 303
    assert location.isascii()
    assert location in ("/%E2%82%AC?ingelogd=1", "/kennisbank?q=caf%C3%A9&ingelogd=1")
    assert "Set-Cookie" in response.headers  # signed in: the link was spent on a sign-in that worked


def test_every_value_of_a_repeated_parameter_is_kept_in_the_return_path(moto, client):
    from urllib.parse import parse_qs, urlsplit

    response = client.http.get("/beheer/bijeenkomsten?status=draft&status=published&q=caf%C3%A9")
    next_path = parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]
    assert next_path == "/beheer/bijeenkomsten?status=draft&status=published&q=caf%C3%A9"
    page = client.http.get("/kennisbank?thema=polarisatie&thema=extremisme").body.decode()
    assert 'href="/taal/en?next=/kennisbank%3Fthema%3Dpolarisatie%26thema%3Dextremisme"' in page


@pytest.mark.parametrize(
    "path", ["/kennisbank?pagina=%C2%B2", "/kennisbank?jaar=%C2%B2%C2%B2%C2%B2%C2%B2", "/nieuws?na=%C2%B2"]
)
def test_unicode_digits_are_no_server_error(client, moto, path):
    assert client.http.get(path).status_code in (200, 400)


def test_every_page_of_a_signed_in_member_is_never_stored(make_event, client):
    make_event()
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    for path in ("/", "/events/netwerkbijeenkomst-test", "/kennisbank", "/nieuws", "/account", "/events"):
        response = member.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    assert client.http.get("/static/portal.css").headers["Cache-Control"] == "public, max-age=3600"


# -- account requests cannot flood an inbox; counters that cannot be written are not "too many" --


def mails_to(address: str) -> int:
    return sum(1 for mail in sent_mail() if mail.destinations["ToAddresses"] == [address])


@pytest.mark.parametrize("known", [True, False])
def test_repeated_account_requests_mail_an_address_at_most_the_ceiling_and_say_so(moto, client, known):
    if known:
        make_account("lid@rotterdam.nl")
    visitor = FormSession(client)
    answers = [
        visitor.post("/account/aanvragen", request_form(email="lid@rotterdam.nl")).status_code for _ in range(30)
    ]
    # the same answers for a known and a new address (both parameters assert this very list)
    assert answers == [200] * 5 + [429] * 25
    assert mails_to("lid@rotterdam.nl") == config.MAILS_PER_ADDRESS_PER_HOUR == 5


def test_negative_control_the_first_requests_are_mailed(moto, client):
    visitor = FormSession(client)
    for n in range(2):
        visitor.post("/account/aanvragen", request_form(email="nieuw@rotterdam.nl"))
        assert mails_to("nieuw@rotterdam.nl") == n + 1


def test_one_client_asking_too_often_is_told_to_wait(moto, client, monkeypatch):
    monkeypatch.setattr(config, "ACCOUNT_REQUESTS_PER_CLIENT", 5)
    visitor = FormSession(client)
    codes = [visitor.post("/account/aanvragen", request_form(email=f"p{n}@rotterdam.nl")).status_code for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_a_counter_conflict_is_try_again_not_too_many_attempts(moto, client):
    """DynamoDB cancels a transaction for a conflict or throttling too: that is a 503 with a retry, not a 429."""
    from chalicelib.core import aws

    def conflict(**_: object) -> None:
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
            },
            "TransactWriteItems",
        )

    make_account("lid@rotterdam.nl")
    aws.dynamodb().meta.events.register_first("before-call.dynamodb.TransactWriteItems", conflict, unique_id="conflict")
    try:
        response = FormSession(client).post("/inloggen", {"email": "lid@rotterdam.nl"})
    finally:
        aws.dynamodb().meta.events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="conflict")
    assert response.status_code == 503
    assert "Het is even te druk" in response.body.decode()

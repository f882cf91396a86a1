"""Accounts: request, verification, approval, sign-in, own data, newsletter (chalice.test.Client, moto)."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts import newsletter
from chalicelib.accounts import service as accounts
from chalicelib.accounts.store import account_store
from chalicelib.core import clock
from chalicelib.core.config import MAILS_PER_ADDRESS_PER_HOUR
from chalicelib.core.keys import audit_pk, email_key
from chalicelib.mail.store import job_store
from tests.support.accounts import last_link, make_account, request_form, sign_in
from tests.support.aws import deliver_mail, deliver_sign_in_links, sent_mail
from tests.support.factories import in_days, registration_form
from tests.support.stored import present
from tests.support.web import FormSession, csv_rows, download_export


def text(response) -> str:
    return response.body.decode()


# -- request and verification ---------------------------------------------


def test_trusted_domain_is_approved_once_the_address_is_verified(visitor):
    response = visitor.post("/account/aanvragen", request_form())
    assert response.status_code == 200
    assert "We hebben een e-mail gestuurd" in text(response)
    assert present(account_store().get("dave@politie.nl")).status == "unverified"

    token = last_link("dave@politie.nl", "/account/bevestigen")
    assert "Bevestigen" in text(visitor.get(f"/account/bevestigen/{token}"))  # GET uses nothing up
    assert present(account_store().get("dave@politie.nl")).status == "unverified"
    page = visitor.post(f"/account/bevestigen/{token}", {})

    assert "uw account is actief" in text(page)
    assert present(account_store().get("dave@politie.nl")).status == "approved"
    assert sent_mail()[-1].subject == "Uw account is actief"


def test_other_domains_wait_for_an_organiser_who_approves(visitor, client):
    visitor.post("/account/aanvragen", request_form(email="sam@adviesbureau.nl"))
    visitor.post(f"/account/bevestigen/{last_link('sam@adviesbureau.nl', '/account/bevestigen')}", {})
    account = present(account_store().get("sam@adviesbureau.nl"))
    assert account.status == "pending"

    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    listing = text(organiser.get("/beheer/accounts"))
    assert "sam@adviesbureau.nl" in listing
    response = organiser.post(f"/beheer/accounts/{email_key('sam@adviesbureau.nl')}/approved", {})

    assert response.status_code == 303
    assert present(account_store().get("sam@adviesbureau.nl")).status == "approved"
    assert sent_mail()[-1].destinations["ToAddresses"] == ["sam@adviesbureau.nl"]
    assert sent_mail()[-1].subject == "Uw account is actief"


def test_rejection_mails_the_requester(visitor, client):
    visitor.post("/account/aanvragen", request_form(email="x@elders.nl"))
    visitor.post(f"/account/bevestigen/{last_link('x@elders.nl', '/account/bevestigen')}", {})
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    organiser.post(f"/beheer/accounts/{email_key('x@elders.nl')}/rejected", {})
    assert present(account_store().get("x@elders.nl")).status == "rejected"
    assert sent_mail()[-1].subject == "Uw aanvraag is niet goedgekeurd"
    # rejecting twice is a clear conflict, not a crash
    assert organiser.post(f"/beheer/accounts/{email_key('x@elders.nl')}/rejected", {}).status_code == 409


@pytest.mark.parametrize(
    ("address", "trusted"),
    [
        ("a@politie.nl", True),
        ("a@eenheid.politie.nl", True),
        ("a@POLITIE.NL", True),
        ("a@politie.nl.evil.com", False),
        ("a@xpolitie.nl", False),
        ("a@politie-nl.com", False),
        ("a@nl", False),
    ],
)
def test_trusted_domains_count_subdomains_but_not_look_alikes(moto, address, trusted):
    assert accounts.is_trusted(address) is trusted


def test_look_alike_domain_waits_for_approval(visitor):
    visitor.post("/account/aanvragen", request_form(email="spy@politie.nl.evil.com"))
    visitor.post(f"/account/bevestigen/{last_link('spy@politie.nl.evil.com', '/account/bevestigen')}", {})
    assert present(account_store().get("spy@politie.nl.evil.com")).status == "pending"


def test_a_repeated_request_makes_no_second_account_and_looks_the_same(visitor, client):
    first = visitor.post("/account/aanvragen", request_form())
    visitor.post(f"/account/bevestigen/{last_link('dave@politie.nl', '/account/bevestigen')}", {})
    again = FormSession(client).post("/account/aanvragen", request_form(name="Someone Else"))

    assert again.status_code == first.status_code
    assert text(again) == text(first)
    account = present(account_store().get("dave@politie.nl"))
    assert (account.name, account.status) == ("Dave van den Berg", "approved")
    assert sent_mail()[-1].subject == "U hebt al een account of aanvraag bij het regionaal netwerk"


def test_invalid_request_keeps_input_and_writes_nothing(visitor):
    response = visitor.post("/account/aanvragen", request_form(email="dave@", reason="x" * 501))
    assert response.status_code == 422
    assert 'value="dave@"' in text(response)
    assert "maximaal 500 tekens" in text(response)
    assert account_store().get("dave@") is None


def test_verification_link_expires_after_a_day_and_works_once(visitor, now):
    visitor.post("/account/aanvragen", request_form(email="late@politie.nl"))
    token = last_link("late@politie.nl", "/account/bevestigen")
    now["value"] = clock.now() + timedelta(hours=25)
    assert visitor.post(f"/account/bevestigen/{token}", {}).status_code == 410

    visitor.post("/account/aanvragen", request_form(email="late@politie.nl"))  # unverified: a fresh link
    fresh = last_link("late@politie.nl", "/account/bevestigen")
    assert visitor.post(f"/account/bevestigen/{fresh}", {}).status_code == 200
    assert visitor.post(f"/account/bevestigen/{fresh}", {}).status_code == 410


# -- sign-in ----------------------------------------------------------------


def test_sign_in_with_a_one_time_link_and_sign_out(moto, visitor):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    page = visitor.get("/account")
    assert page.status_code == 200
    assert "m@rotterdam.nl" in text(page)
    assert page.headers["Cache-Control"] == "no-store"

    out = visitor.post("/uitloggen", {})
    assert out.status_code == 303
    cookie = out.headers["Set-Cookie"]
    assert cookie.startswith("sessie=;")
    assert "Max-Age=0" in cookie


def set_cookie(response: Any, name: str) -> str:
    """The response's Set-Cookie for the cookie `name` (with or without its prefix)."""
    headers = response.headers["Set-Cookie"]
    [found] = [c for c in ([headers] if isinstance(headers, str) else headers) if c.split("=")[0].endswith(name)]
    return str(found)


def test_session_cookie_is_httponly_lax_and_secure_outside_local(moto, visitor, monkeypatch):
    make_account("m@rotterdam.nl")
    visitor.post("/inloggen", {"email": "m@rotterdam.nl"})
    response = visitor.post(f"/inloggen/{last_link('m@rotterdam.nl', '/inloggen')}", {})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # local stage: plain http
    visitor.post("/inloggen", {"email": "m@rotterdam.nl"})
    token = last_link("m@rotterdam.nl", "/inloggen")
    monkeypatch.setattr("chalicelib.core.config.is_local", lambda: False)
    # outside the local stage every cookie has the __Host- prefix: only this host, HTTPS, the whole site
    csrf_cookie = set_cookie(visitor.get(f"/inloggen/{token}"), "csrf")
    assert csrf_cookie.startswith("__Host-csrf=")
    assert "; Path=/;" in csrf_cookie
    assert "; Secure" in csrf_cookie
    assert "Domain" not in csrf_cookie
    from chalicelib.accounts import csrf

    secret = csrf_cookie.split(";")[0].split("=", 1)[1]
    response = visitor.client.http.post(
        f"/inloggen/{token}",
        body=f"csrf_token={csrf.token_for(secret, '')}",
        headers={"content-type": "application/x-www-form-urlencoded", "cookie": f"__Host-csrf={secret}"},
    )
    session_cookie = set_cookie(response, "sessie")
    assert session_cookie.startswith("__Host-sessie=")
    assert "; Secure" in session_cookie
    session = session_cookie.split(";")[0].split("=", 1)[1]
    assert visitor.client.http.get("/account", headers={"cookie": f"__Host-sessie={session}"}).status_code == 200
    # a cookie without the prefix is not read there (a subdomain could have planted it)
    assert visitor.client.http.get("/account", headers={"cookie": f"sessie={session}"}).status_code == 303


def test_the_answer_is_the_same_for_known_and_unknown_addresses(moto, client):
    make_account("m@rotterdam.nl")
    known = FormSession(client).post("/inloggen", {"email": "m@rotterdam.nl"})
    unknown = FormSession(client).post("/inloggen", {"email": "nobody@rotterdam.nl"})
    pending = FormSession(client)
    make_account("p@rotterdam.nl", status="pending")
    waiting = pending.post("/inloggen", {"email": "p@rotterdam.nl"})

    assert known.status_code == unknown.status_code == waiting.status_code == 200
    assert text(known) == text(unknown) == text(waiting)
    assert deliver_sign_in_links() == 3  # the same work for each: a message on the queue
    # the mailbox, not the page, tells: a link to the approved account, a "still waiting" to the pending one
    assert {m.destinations["ToAddresses"][0]: m.subject for m in sent_mail()} == {
        "m@rotterdam.nl": "Uw link om in te loggen",
        "p@rotterdam.nl": "Uw account wacht nog op goedkeuring",
    }


def test_a_link_signs_in_once(moto, visitor):
    make_account("m@rotterdam.nl")
    visitor.post("/inloggen", {"email": "m@rotterdam.nl"})
    token = last_link("m@rotterdam.nl", "/inloggen")
    assert visitor.post(f"/inloggen/{token}", {}).status_code == 303
    reused = visitor.post(f"/inloggen/{token}", {})
    assert reused.status_code == 410
    assert "al gebruikt of verlopen" in text(reused)


def test_a_link_expires_after_15_minutes(moto, visitor, now):
    make_account("m@rotterdam.nl")
    visitor.post("/inloggen", {"email": "m@rotterdam.nl"})
    token = last_link("m@rotterdam.nl", "/inloggen")
    now["value"] = clock.now() + timedelta(minutes=15, seconds=1)
    assert visitor.post(f"/inloggen/{token}", {}).status_code == 410


def test_opening_the_link_does_not_use_it(moto, visitor):
    """Mail scanners open links; only the button signs in."""
    make_account("m@rotterdam.nl")
    visitor.post("/inloggen", {"email": "m@rotterdam.nl"})
    token = last_link("m@rotterdam.nl", "/inloggen")
    assert visitor.get(f"/inloggen/{token}").status_code == 200
    assert visitor.post(f"/inloggen/{token}", {}).status_code == 303


def test_a_tampered_session_cookie_is_anonymous(moto, visitor):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    visitor.session = visitor.session[:-2] + ("AA" if not visitor.session.endswith("AA") else "BB")
    response = visitor.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"] == "/inloggen?next=/account"


def test_a_forged_cookie_for_another_account_is_anonymous(moto, visitor):
    from itsdangerous import URLSafeTimedSerializer

    make_account("org@zwijndrecht.nl", access="organiser")
    forged = URLSafeTimedSerializer("not-the-key-" * 4, salt="session").dumps({"a": email_key("org@zwijndrecht.nl")})
    visitor.session = forged
    assert visitor.get("/beheer/accounts").status_code == 303


def test_an_expired_session_is_anonymous(moto, visitor, now):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    now["value"] = clock.now() + timedelta(hours=8, minutes=1)
    assert visitor.get("/account").status_code == 303


def test_disabling_an_account_ends_its_session_at_the_next_request(moto, visitor, client):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    assert visitor.get("/account").status_code == 200

    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    organiser.post(f"/beheer/accounts/{email_key('m@rotterdam.nl')}/disabled", {})

    assert visitor.get("/account").status_code == 303
    assert FormSession(client).post("/inloggen", {"email": "m@rotterdam.nl"}).status_code == 200
    assert len([m for m in sent_mail() if m.destinations["ToAddresses"] == ["m@rotterdam.nl"]]) == 1  # no new link


def test_sign_in_requests_are_limited_per_address_and_the_answer_says_so(moto, client):
    make_account("m@rotterdam.nl")
    for _ in range(MAILS_PER_ADDRESS_PER_HOUR):
        assert FormSession(client).post("/inloggen", {"email": "m@rotterdam.nl"}).status_code == 200
    over = FormSession(client).post("/inloggen", {"email": "m@rotterdam.nl"})
    assert over.status_code == 429
    assert "Naar dit e-mailadres zijn het afgelopen uur al genoeg e-mails gestuurd." in text(over)
    assert 'value="m@rotterdam.nl"' in text(over)  # the address typed is kept in the form


def test_sign_in_requests_are_limited_per_client(moto, client, monkeypatch):
    monkeypatch.setattr("chalicelib.core.config.SIGN_IN_LIMIT_PER_CLIENT", 3)
    for n in range(3):
        assert FormSession(client).post("/inloggen", {"email": f"x{n}@rotterdam.nl"}).status_code == 200
    assert FormSession(client).post("/inloggen", {"email": "y@rotterdam.nl"}).status_code == 429


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_return_address_is_only_ever_a_local_path(moto, visitor, target):
    make_account("m@rotterdam.nl")
    visitor.post("/inloggen", {"email": "m@rotterdam.nl", "next": target})
    response = visitor.post(f"/inloggen/{last_link('m@rotterdam.nl', '/inloggen')}", {})
    assert response.headers["Location"] == "/kennisbank?ingelogd=1"  # a member's own landing, never the target
    form = text(visitor.get(f"/inloggen?next={target}"))
    assert 'name="next" value="/"' in form


def test_a_page_that_needs_sign_in_returns_there_afterwards(moto, visitor):
    make_account("m@rotterdam.nl")
    assert visitor.get("/account").headers["Location"] == "/inloggen?next=/account"
    assert 'name="next" value="/account"' in text(visitor.get("/inloggen?next=/account"))
    visitor.post("/inloggen", {"email": "m@rotterdam.nl", "next": "/account"})
    response = visitor.post(f"/inloggen/{last_link('m@rotterdam.nl', '/inloggen')}", {})
    assert response.headers["Location"] == "/account?ingelogd=1"
    visitor.session = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert "U bent ingelogd als m@rotterdam.nl." in text(visitor.get("/account?ingelogd=1"))


def test_a_guarded_page_asked_with_a_query_returns_there_with_it(moto, visitor):
    # a workshop's door is its meeting's door with ?workshop=: signing in must not lose it
    make_account("o@zwijndrecht.nl", access="organiser")
    door = "/beheer/bijeenkomsten/netwerkbijeenkomst/inchecken?workshop=7-2"
    sign_in_first = visitor.get(door).headers["Location"]
    assert sign_in_first == "/inloggen?next=/beheer/bijeenkomsten/netwerkbijeenkomst/inchecken%3Fworkshop%3D7-2"
    assert f'name="next" value="{door}"' in text(visitor.get(sign_in_first))
    visitor.post("/inloggen", {"email": "o@zwijndrecht.nl", "next": door})
    response = visitor.post(f"/inloggen/{last_link('o@zwijndrecht.nl', '/inloggen')}", {})
    assert response.headers["Location"] == f"{door}&ingelogd=1"


def test_every_page_offers_sign_in_back_to_itself_with_its_query(moto, visitor):
    make_account("m@rotterdam.nl")
    library = text(visitor.get("/kennisbank?thema=polarisatie"))
    assert 'href="/inloggen?next=/kennisbank%3Fthema%3Dpolarisatie"' in library
    assert 'href="/inloggen"' in text(visitor.get("/"))  # from the home page: to the account's own landing
    visitor.post("/inloggen", {"email": "m@rotterdam.nl", "next": "/kennisbank?thema=polarisatie"})
    response = visitor.post(f"/inloggen/{last_link('m@rotterdam.nl', '/inloggen')}", {})
    assert response.headers["Location"] == "/kennisbank?thema=polarisatie&ingelogd=1"


def test_without_a_page_to_return_to_an_organiser_lands_in_the_workspace(moto, visitor):
    make_account("org@zwijndrecht.nl", access="organiser")
    visitor.post("/inloggen", {"email": "org@zwijndrecht.nl"})
    response = visitor.post(f"/inloggen/{last_link('org@zwijndrecht.nl', '/inloggen')}", {})
    assert response.headers["Location"] == "/beheer?ingelogd=1"


def test_an_account_waiting_for_approval_is_told_so_instead_of_hearing_nothing(moto, visitor):
    make_account("wacht@rotterdam.nl", status="pending")
    make_account("afgewezen@rotterdam.nl", status="rejected")
    before = len(sent_mail())
    for address in ("wacht@rotterdam.nl", "afgewezen@rotterdam.nl", "onbekend@rotterdam.nl"):
        page = text(visitor.post("/inloggen", {"email": address}))
        assert "nog niet is goedgekeurd" in page  # the same page for every address
    deliver_sign_in_links()
    [mail] = sent_mail()[before:]
    assert mail.destinations["ToAddresses"] == ["wacht@rotterdam.nl"]
    assert mail.subject == "Uw account wacht nog op goedkeuring"
    assert "/inloggen/" not in mail.body  # no link: it could not be used


# -- own data ---------------------------------------------------------------


def test_own_data_shows_registrations_matched_by_email(make_event, visitor, client):
    make_event()
    make_event(slug="tweede", title="Tweede bijeenkomst", registration_deadline=None)
    make_account("m@rotterdam.nl")
    FormSession(client).post("/events/netwerkbijeenkomst-test/aanmelden", registration_form(email="M@rotterdam.nl"))
    FormSession(client).post("/events/tweede/aanmelden", registration_form(email="someone@else.nl"))
    page = text(sign_in(visitor, "m@rotterdam.nl").get("/account"))
    assert "Netwerkbijeenkomst Maatschappelijk ongenoegen" in page
    assert "Tweede bijeenkomst" not in page


def test_correct_own_data(moto, visitor):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    response = visitor.post(
        "/account",
        {"name": "Marjolein Jansen", "organisation": "Gemeente Dordrecht", "job": "Adviseur", "newsletter": "yes"},
    )
    assert response.headers["Location"] == "/account?opgeslagen=1"
    account = present(account_store().get("m@rotterdam.nl"))
    assert (account.name, account.organisation, account.newsletter) == ("Marjolein Jansen", "Gemeente Dordrecht", True)
    bad = visitor.post("/account", {"name": "", "organisation": "X\x00", "job": ""})
    assert bad.status_code == 422
    assert present(account_store().get("m@rotterdam.nl")).name == "Marjolein Jansen"


def test_delete_own_account(moto, visitor):
    make_account("m@rotterdam.nl")
    sign_in(visitor, "m@rotterdam.nl")
    assert visitor.post("/account/verwijderen", {}).status_code == 422  # not confirmed
    response = visitor.post("/account/verwijderen", {"confirm": "yes"})
    assert response.status_code == 303
    assert account_store().get("m@rotterdam.nl") is None
    assert visitor.get("/account").status_code == 303


def test_signed_in_member_finds_the_registration_form_filled_in(make_event, visitor):
    make_event()
    make_account("m@rotterdam.nl", name="Marjolein de Vries", organisation="Gemeente Rotterdam")
    page = text(sign_in(visitor, "m@rotterdam.nl").get("/events/netwerkbijeenkomst-test"))
    assert 'value="Marjolein de Vries"' in page
    assert 'value="m@rotterdam.nl"' in page


# -- newsletter -------------------------------------------------------------


def test_newsletter_mail_has_one_click_unsubscribe(moto):
    make_account("a@rotterdam.nl", newsletter="yes")
    make_account("b@rotterdam.nl")
    job = newsletter.send("beheer@rotterdam.nl", "Nieuwsbrief november", "Het laatste nieuws.")
    deliver_mail()
    sent = present(job_store().get(job.id))
    assert (sent.status, sent.total, sent.sent, sent.failed) == ("done", 1, 1, 0)

    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    raw = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages[-1].raw_data
    message = email.message_from_string(raw)
    assert "=?utf-8?" not in raw  # no encoded words: clients must read the header as it is
    assert message["To"] == "a@rotterdam.nl"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/nieuwsbrief/afmelden/")
    assert link in message.get_payload()


def test_one_click_unsubscribe_needs_no_cookie_or_csrf(moto, client):
    account = make_account("a@rotterdam.nl", newsletter="yes")
    token = newsletter.unsubscribe_url(account.email).rsplit("/", 1)[1]
    assert 'method="post"' in text(client.http.get(f"/nieuwsbrief/afmelden/{token}"))  # it asks first
    response = client.http.post(
        f"/nieuwsbrief/afmelden/{token}",
        body="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert present(account_store().get("a@rotterdam.nl")).newsletter is False
    forged = client.http.post(
        "/nieuwsbrief/afmelden/forged", body="", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert forged.status_code == 410
    assert "Deze afmeldlink is niet compleet of niet geldig." in text(forged)
    # opened again, the link says it is done; a broken one says so before anyone presses a button
    again = text(client.http.get(f"/nieuwsbrief/afmelden/{token}"))
    assert "U bent afgemeld." in again
    assert 'action="/nieuwsbrief' not in again
    assert client.http.get("/nieuwsbrief/afmelden/vervalst").status_code == 410


def test_subscriber_export_is_safe_against_formulas(moto, client):
    make_account("a@rotterdam.nl", newsletter="yes", name='=HYPERLINK("http://evil")')
    make_account("b@rotterdam.nl", newsletter="yes", organisation="+31 10 123")
    make_account("c@rotterdam.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")

    response = download_export(organiser, "/beheer/nieuwsbrief/export")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nieuwsbrief-abonnees.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["E-mailadres", "Naam", "Organisatie", "Functie"]
    assert {r[0] for r in rows[1:]} == {"a@rotterdam.nl", "b@rotterdam.nl"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_make_organiser_command_path(moto):
    account = accounts.ensure_organiser("eerste@zwijndrecht.nl", "Eerste organisator")
    assert (account.status, account.access) == ("approved", "organiser")
    again = accounts.ensure_organiser("eerste@zwijndrecht.nl", "x")
    assert again.access == "organiser"


def test_changes_are_audited(moto, visitor, client):
    from chalicelib.core import aws, config

    visitor.post("/account/aanvragen", request_form(email="x@elders.nl"))
    visitor.post(f"/account/bevestigen/{last_link('x@elders.nl', '/account/bevestigen')}", {})
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    organiser.post(f"/beheer/accounts/{email_key('x@elders.nl')}/approved", {})

    month = in_days(0).isoformat()[:7]
    items = aws.dynamodb().query(
        TableName=config.table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": audit_pk(month)}},
    )["Items"]
    actions = [(i["actor"]["S"], i["action"]["S"], i["target"]["S"]) for i in items]
    assert ("org@zwijndrecht.nl", "account.approved", "x@elders.nl") in actions
    assert ("x@elders.nl", "account.verified", "x@elders.nl") in actions


def test_an_organiser_cannot_lock_themselves_out(moto, client):
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    response = organiser.post(f"/beheer/accounts/{email_key('org@zwijndrecht.nl')}/disabled", {})
    assert response.status_code == 409
    assert present(account_store().get("org@zwijndrecht.nl")).status == "approved"
    assert "Blokkeren" not in text(organiser.get("/beheer/accounts"))


def test_the_organisers_list_pages_through_every_account(moto, client):
    for n in range(105):
        make_account(f"lid{n:03d}@rotterdam.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    organiser = sign_in(FormSession(client), "org@zwijndrecht.nl")
    seen: list[str] = []
    path = "/beheer/accounts?status=approved"
    while path:
        page = organiser.get(path.replace("&amp;", "&")).body.decode()
        seen += re.findall(r"<td[^>]*>(lid\d{3}@rotterdam.nl)</td>", page)
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        path = following.group(1) if following else ""
    assert sorted(seen) == [f"lid{n:03d}@rotterdam.nl" for n in range(105)]  # each once, over three pages

"""Sessions live on the server: a copied cookie stops working when the person signs out, is disabled
(and stays stopped after re-enabling), is deleted and re-created, or changes role. CSRF tokens are
bound to the session. Sign-in requests cannot lock anyone out nor flood an inbox, and take the same
work for every address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.accounts import signin
from chalicelib.core import aws, config
from chalicelib.core.keys import email_key
from tests.support.accounts import last_link, make_account, sign_in
from tests.support.aws import LOCAL_STAGE, deliver_sign_in_links, sent_mail
from tests.support.web import FormSession

MEMBER = "lid@rotterdam.nl"


@pytest.fixture
def member(client) -> FormSession:
    make_account(MEMBER)
    return sign_in(FormSession(client), MEMBER)


def copy_of(session: FormSession) -> FormSession:
    """Another browser holding the same cookies (a stolen or left-behind cookie)."""
    thief = FormSession(session.client)
    thief.secret, thief.session = session.secret, session.session
    return thief


def signed_in(visitor: FormSession) -> bool:
    return visitor.get("/account").status_code == 200


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(member):
    copy = copy_of(member)
    assert signed_in(copy)
    assert member.post("/uitloggen", {}).status_code == 303
    assert not signed_in(copy)


def test_negative_control_a_session_stays_while_the_person_edits_their_profile(member):
    form = {"name": "Marjolein de Vries-Jansen", "organisation": "Gemeente Rotterdam", "job": "Adviseur"}
    assert member.post("/account", form).status_code == 303
    assert signed_in(member)


def test_disabling_ends_sessions_and_enabling_again_does_not_revive_them(member, organiser):
    key = email_key(MEMBER)
    assert organiser.post(f"/beheer/accounts/{key}/disabled", {}).status_code == 303
    assert not signed_in(member)
    assert organiser.post(f"/beheer/accounts/{key}/approved", {}).status_code == 303
    assert not signed_in(member)
    assert signed_in(sign_in(FormSession(member.client), MEMBER))  # a new sign-in works


def test_a_role_change_ends_the_sessions(member, organiser):
    assert organiser.post(f"/beheer/accounts/{email_key(MEMBER)}/rol", {"access": "organiser"}).status_code == 303
    assert not signed_in(member)
    assert member.get("/beheer").status_code == 303  # not an organiser through the old cookie either


def test_a_deleted_and_re_created_account_is_not_opened_by_an_old_cookie(member):
    copy = copy_of(member)
    assert member.post("/account/verwijderen", {"confirm": "yes"}).status_code == 303
    make_account(MEMBER)  # the same address joins again
    assert not signed_in(copy)


def test_a_session_ends_after_a_working_day(member, now):
    now["value"] += timedelta(seconds=config.SESSION_SECONDS + 1)
    assert not signed_in(member)


def test_the_table_holds_only_a_hash_of_the_session_id(member):
    session_id = member.session.split(".")[1]
    items = aws.dynamodb().scan(TableName=LOCAL_STAGE["TABLE_NAME"])["Items"]
    assert session_id not in str(items)
    assert any(i["SK"]["S"].startswith("SESSION#") for i in items)


@pytest.mark.parametrize("cookie", ["", "x", "a.b", "." * 3, "0" * 32 + "." + "A" * 43, "Ä" * 32 + ".x"])
def test_a_forged_session_cookie_is_no_session(client, member, cookie):
    forged = FormSession(client)
    forged.session = cookie
    assert not signed_in(forged)


def test_a_csrf_pair_from_another_session_is_refused(member, client):
    """An attacker's own cookie and token, planted in the victim's browser, fail in the victim's session."""
    attacker = FormSession(client)  # not signed in: the token is bound to no session
    planted = copy_of(member)
    planted.secret = attacker.secret
    form = {"name": "Overgenomen", "organisation": "X", "job": "Y"}
    from urllib.parse import urlencode

    from chalicelib.accounts import csrf

    body = urlencode({**form, csrf.FIELD: csrf.token_for(attacker.secret, "")})
    response = client.http.post(
        "/account",
        body=body,
        headers={"content-type": "application/x-www-form-urlencoded", "cookie": planted.cookie},
    )
    assert response.status_code == 403
    # negative control: the same form with the token of the victim's own session goes through
    assert planted.post("/account", form).status_code == 303


# -- sign-in requests ----------------------------------------------------------------------------


def ask(address: str, client: str) -> str:
    """A sign-in request as the service sees it; 'ok' or 'refused'."""
    from chalicelib.core.errors import TooManyAttempts

    try:
        signin.request_link({"email": address}, client, "/", "nl")
    except TooManyAttempts:
        return "refused"
    return "ok"


def mails_to(address: str) -> int:
    return sum(m.destinations["ToAddresses"] == [address] for m in sent_mail())


def delayed_links() -> int:
    attributes = aws.sqs().get_queue_attributes(
        QueueUrl=LOCAL_STAGE["SIGNIN_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesDelayed"])


def test_an_inbox_gets_at_most_six_links_an_hour_whoever_asks_and_its_owner_still_signs_in(moto, client):
    make_account(MEMBER)
    # thirty requests for one address, each from a client address of its own
    answers = [ask(MEMBER, f"203.0.113.{n}") for n in range(30)]
    assert answers == ["ok"] * config.MAILS_PER_ADDRESS_PER_HOUR + ["refused"] * 25
    # an address without an account gets the very same answers: the ceiling tells nothing
    assert [ask("onbekend@rotterdam.nl", f"198.51.100.{n}") for n in range(30)] == answers
    deliver_sign_in_links()
    assert mails_to(MEMBER) == 5
    assert delayed_links() == 2  # one more link a quarter of an hour later, per address: six in all
    # whoever spent the ceiling, the latest link mailed still signs its owner in
    response = FormSession(client).post(f"/inloggen/{last_link(MEMBER, '/inloggen')}", {})
    assert response.status_code == 303


def test_an_office_behind_one_address_can_sign_in_together(moto):
    """Police and municipal staff reach the web through one address: 150 colleagues in a quarter of an hour."""
    colleagues = [f"collega{n}@politie.nl" for n in range(150)]
    assert {ask(address, "192.0.2.1") for address in colleagues} == {"ok"}


def test_known_and_unknown_addresses_cost_the_same_work(moto, client, aws_calls):
    make_account(MEMBER)
    aws_calls.reset()
    FormSession(client).post("/inloggen", {"email": MEMBER})
    known = dict(aws_calls.calls)
    aws_calls.reset()
    FormSession(client).post("/inloggen", {"email": "onbekend@rotterdam.nl"})
    assert dict(aws_calls.calls) == known
    assert "ses.SendRawEmail" not in known  # the mail goes from the worker, not during the request


def test_signing_in_again_ends_the_session_the_browser_had(client, member):
    copy = copy_of(member)
    sign_in(member, MEMBER)  # the same browser signs in anew (say, after following a fresh link)
    assert signed_in(member)
    assert not signed_in(copy)

"""Organisers hear by mail that an account request waits for them: one mail job per request that needs
their decision, to every organiser and nobody else; the request stands if that mail cannot start."""

from __future__ import annotations

from chalicelib.accounts.store import account_store
from chalicelib.core import aws
from chalicelib.mail.model import JobKind
from chalicelib.mail.store import job_store
from tests.support.accounts import last_link, make_account, request_form
from tests.support.aws import deliver_mail, sent_mail
from tests.support.faults import fault
from tests.support.stored import present

SUBJECT = "Een accountaanvraag wacht op goedkeuring"


def _request(visitor, address: str, **form: str) -> str:
    """Request an account; the confirmation link's token."""
    visitor.post("/account/aanvragen", request_form(email=address, **form))
    return last_link(address, "/account/bevestigen")


def _request_and_confirm(visitor, address: str, **form: str) -> int:
    return visitor.post(f"/account/bevestigen/{_request(visitor, address, **form)}", {}).status_code


def _notices() -> list:
    return [mail for mail in sent_mail() if mail.subject == SUBJECT]


def _announcing_jobs() -> list:
    return [job for job in job_store().recent(50) if job.kind == JobKind.ACCOUNT_REQUEST]


def test_every_organiser_is_mailed_once_when_a_request_waits_and_nobody_else(visitor):
    make_account("org@zwijndrecht.nl", access="organiser", name="Ans Organisator")
    make_account("planner@dordrecht.nl", access="organiser", language="en")
    make_account("lid@rotterdam.nl")  # a member: not told
    make_account("weg@zwijndrecht.nl", access="organiser", status="disabled")  # no longer an organiser

    confirmed = _request_and_confirm(
        visitor, "sam@adviesbureau.nl", name="Sam Adviseur", organisation="Adviesbureau Oost"
    )
    assert confirmed == 200
    assert present(account_store().get("sam@adviesbureau.nl")).status == "pending"
    assert _notices() == []  # the request only records the job: the worker sends
    deliver_mail()

    notices = _notices() + [m for m in sent_mail() if m.subject == "An account request is waiting for approval"]
    assert sorted(m.destinations["ToAddresses"][0] for m in notices) == ["org@zwijndrecht.nl", "planner@dordrecht.nl"]
    dutch = next(m for m in notices if m.destinations["ToAddresses"] == ["org@zwijndrecht.nl"])
    assert "Beste Ans Organisator," in dutch.body
    assert "Sam Adviseur, Adviesbureau Oost" in dutch.body
    assert "1 accountaanvraag wacht op goedkeuring." in dutch.body
    assert "/beheer/accounts" in dutch.body
    assert "sam@adviesbureau.nl" not in {m.destinations["ToAddresses"][0] for m in notices}

    assert len(_announcing_jobs()) == 1


def test_a_request_from_a_trusted_domain_needs_no_organiser_and_is_not_announced(visitor):
    make_account("org@zwijndrecht.nl", access="organiser")
    assert _request_and_confirm(visitor, "dave@politie.nl") == 200
    assert present(account_store().get("dave@politie.nl")).status == "approved"
    deliver_mail()
    assert _notices() == []
    assert _announcing_jobs() == []


def test_a_request_stands_when_its_announcement_cannot_be_queued(visitor):
    make_account("org@zwijndrecht.nl", access="organiser")
    token = _request(visitor, "sam@adviesbureau.nl")
    with fault(aws.sqs(), "SendMessage", "ServiceUnavailable", 503) as injected:
        assert visitor.post(f"/account/bevestigen/{token}", {}).status_code == 200
    assert injected.calls > 0  # the fault was met: the announcement's queue message
    assert present(account_store().get("sam@adviesbureau.nl")).status == "pending"
    assert len(_announcing_jobs()) == 1  # recorded: /beheer/verzendingen offers to start it again
    deliver_mail()
    assert _notices() == []  # nothing was queued, so nothing went


def test_without_the_fault_the_same_request_is_announced(visitor):
    """The negative control of the test above: the same steps, no fault, and the mail goes."""
    make_account("org@zwijndrecht.nl", access="organiser")
    assert _request_and_confirm(visitor, "sam@adviesbureau.nl") == 200
    deliver_mail()
    assert [m.destinations["ToAddresses"] for m in _notices()] == [["org@zwijndrecht.nl"]]

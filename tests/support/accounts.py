"""Helpers for account tests: make accounts, and sign in the way a person does."""

from __future__ import annotations

import re
from datetime import datetime

from chalicelib.accounts.model import Access, Account, AccountStatus
from chalicelib.accounts.store import account_store
from chalicelib.core import clock
from tests.support.aws import deliver_sign_in_links, sent_mail
from tests.support.factories import MEETING_DAY, registration_form
from tests.support.web import FormSession


def make_account(email: str, access: str = "member", status: str = "approved", **fields: str) -> Account:
    account = Account(
        email=email,
        name=fields.get("name", "Marjolein de Vries"),
        organisation=fields.get("organisation", "Gemeente Rotterdam"),
        job=fields.get("job", "Beleidsadviseur OOV"),
        created_at=clock.now(),
        status=AccountStatus(status),
        access=Access(access),
        newsletter=fields.get("newsletter") == "yes",
        language=fields.get("language", "nl"),
    )
    account_store().create(account, 0)
    return account


def last_link(to: str, path: str) -> str:
    """The token of the newest mailed link to `path` for address `to` (sign-in links queued so far are sent first)."""
    deliver_sign_in_links()
    for mail in reversed(sent_mail()):
        if mail.destinations["ToAddresses"] == [to]:
            # in a link's href only: an inlined QR code's base64 can hold "/r/" followed by letters too
            match = re.search(rf'href="[^"]*{re.escape(path)}/([A-Za-z0-9_-]+)', mail.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no {path} link mailed to {to}")


def sign_in(visitor: FormSession, email: str) -> FormSession:
    """Request a link, take it from the mail, use it: the visitor now carries the session cookie."""
    visitor.post("/inloggen", {"email": email, "next": "/account"})
    response = visitor.post(f"/inloggen/{last_link(email, '/inloggen')}", {})
    assert response.status_code == 303, response.body
    [cookie] = [c for c in _as_list(response.headers["Set-Cookie"]) if c.startswith("sessie=")]
    visitor.session = cookie.split(";")[0].split("=", 1)[1]
    return visitor


def on_the_day(now: dict[str, datetime], organiser: FormSession, moment: datetime = MEETING_DAY) -> FormSession:
    """The clock on the test meeting's day (check-in opens then), and the organiser signed in again that
    morning: a session lasts a working day."""
    now["value"] = moment
    return sign_in(organiser, "org@zwijndrecht.nl")


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def request_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Dave van den Berg",
        "email": "dave@politie.nl",
        "organisation": "Politie eenheid Rotterdam",
        "job": "Specialist CTER",
        "reason": "Ik werk aan vroegsignalering van radicalisering.",
        "newsletter": "yes",
    }
    form.update(overrides)
    return form


def member_feed_path(session: FormSession) -> str:
    page = session.get("/account").body.decode()
    match = re.search(r'id="agenda-link" readonly value="http://[^/"]+(/agenda/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


def mailed_token(to: str) -> str:
    """The personal link's token from the newest mail to `to`: a visitor learns it nowhere else."""
    return last_link(to, "/r")


def register_by_form(visitor: FormSession, slug: str, **fields: str) -> str:
    """Register through the event's form as a visitor does; the personal link's token, from the mail."""
    form = registration_form(**fields)
    response = visitor.post(f"/events/{slug}/aanmelden", form)
    assert response.status_code == 200, response.body
    return mailed_token(form["email"])

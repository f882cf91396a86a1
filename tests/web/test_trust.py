"""What someone who knows only an address can do, over real HTTP (`chalice local` on moto server, with
its queue worker): flood that inbox, or learn whether the person has an account. Neither."""

from __future__ import annotations

import re
import time

import requests

from tests.support.live import LivePortal

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in_request(session: requests.Session, portal: LivePortal, address: str, claimed_client: str) -> int:
    form = session.get(f"{portal.url}/inloggen", timeout=10).text
    response = session.post(
        f"{portal.url}/inloggen",
        data={"email": address, "next": "/", "csrf_token": CSRF.search(form).group(1)},  # type: ignore[union-attr]
        headers={"X-Forwarded-For": claimed_client},  # a client cannot choose the address it is counted by
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code


def _mails_to(portal: LivePortal, address: str) -> int:
    outbox = requests.get(f"{portal.url}/outbox", timeout=10).text
    return outbox.count(f"Aan: {address}</p>")


def test_thirty_requests_from_thirty_claimed_clients_mail_an_address_at_most_the_ceiling(portal: LivePortal):
    address = "lid.overstroming@zwijndrecht.nl"
    unknown = "niemand.overstroming@zwijndrecht.nl"
    portal.manage("create-organiser", "--email", address)
    session = requests.Session()
    to_the_hour = 3600 - time.time() % 3600  # the ceiling counts per clock hour: keep the test inside one
    if to_the_hour < 30:
        time.sleep(to_the_hour + 1)

    answers = [_sign_in_request(session, portal, address, f"203.0.113.{n}") for n in range(30)]
    # an address without an account gets the very same answers
    assert [_sign_in_request(session, portal, unknown, f"198.51.100.{n}") for n in range(30)] == answers
    assert answers == [200] * 5 + [429] * 25

    deadline = time.monotonic() + 30  # the worker mails the links from the queue
    while _mails_to(portal, address) < 5 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # and nothing more comes after the fifth
    assert _mails_to(portal, address) == 5  # the sixth waits a quarter of an hour (tests/accounts)
    assert _mails_to(portal, unknown) == 0


def test_a_return_path_outside_ascii_signs_in_over_http(portal: LivePortal):
    """`chalice local` cannot send a Location header that is not ASCII: a sign-in link stored with
    next=/€ once got no answer at all, and was spent."""
    address = "lid.euro@zwijndrecht.nl"
    portal.manage("create-organiser", "--email", address)
    session = requests.Session()
    form = session.get(f"{portal.url}/inloggen", timeout=10).text
    token = CSRF.search(form).group(1)  # type: ignore[union-attr]
    session.post(f"{portal.url}/inloggen", data={"email": address, "next": "/€", "csrf_token": token}, timeout=10)
    link = None
    for _ in range(60):  # the worker mails the link from the queue
        found = re.search(r'href="[^"]*(/inloggen/[A-Za-z0-9_-]+)"', _mail_to(portal, address))
        if found:
            link = found.group(1)
            break
        time.sleep(0.5)
    assert link, "no sign-in link mailed"
    confirm = session.get(f"{portal.url}{link}", timeout=10).text
    response = session.post(
        f"{portal.url}{link}",
        data={"csrf_token": CSRF.search(confirm).group(1)},  # type: ignore[union-attr]
        allow_redirects=False,
        timeout=10,
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/%E2%82%AC?ingelogd=1")


def _mail_to(portal: LivePortal, address: str) -> str:
    """The newest mail in the local outbox to `address`, as HTML ('' when there is none)."""
    outbox = requests.get(f"{portal.url}/outbox", timeout=10).text
    for article in outbox.split("<article")[1:]:
        if f"Aan: {address}</p>" in article:
            return article
    return ""

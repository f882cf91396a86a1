"""Two tabs (or two people) use one link at the same moment: exactly one wins.

Through moto server over HTTP, with both requests released together.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.accounts import service as accounts
from chalicelib.accounts import signin
from chalicelib.accounts.store import account_store
from chalicelib.core.errors import LinkInvalid
from chalicelib.core.tenancy import in_this_network
from tests.support.accounts import make_account
from tests.support.stored import present

TABS = 8


def race(action) -> list[str]:
    start = threading.Barrier(TABS)

    def one(_: int) -> str:
        start.wait()
        try:
            action()
        except LinkInvalid:
            return "refused"
        return "used"

    with ThreadPoolExecutor(TABS) as pool:
        return sorted(pool.map(in_this_network(one), range(TABS)))


def test_a_sign_in_link_used_at_once_in_several_tabs_signs_in_once(moto_server):
    account = make_account("m@rotterdam.nl")
    token = account_store().add_link("signin", account, accounts.epoch(900))

    assert race(lambda: signin.use_link(token)) == ["refused"] * (TABS - 1) + ["used"]


def test_a_verification_link_used_twice_at_once_verifies_once(moto_server):
    account = make_account("v@politie.nl", status="unverified")
    token = account_store().add_link("verify", account, accounts.epoch(900))

    assert race(lambda: accounts.verify(token)) == ["refused"] * (TABS - 1) + ["used"]
    assert present(account_store().get("v@politie.nl")).status == "approved"

"""Who is asking: the session, and the one decorator that guards pages by role.

Checked in the app, not by an API Gateway authorizer, so that it behaves the
same under `chalice local` and when deployed: locally, Chalice's built-in
authorizers ignore their settings and allow everything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec
from urllib.parse import quote

from chalice.app import Blueprint, Request, Response

from chalicelib.accounts.model import Access, Account
from chalicelib.core.errors import Forbidden, PortalError
from chalicelib.core.i18n import _
from chalicelib.views.http import current_account, path_with_query, redirect, request_path

RANKS = {Access.MEMBER: 1, Access.ORGANISER: 2}

P = ParamSpec("P")


class SignInRequired(PortalError):
    status = 401
    message = _("Log in om deze pagina te zien.")


def signed_in(request: Request) -> Account:
    """The account of a route guarded by `requires`: there is always one."""
    account = current_account(request)
    if account is None:
        raise SignInRequired()
    return account


def requires(bp: Blueprint, access: Access) -> Callable[[Callable[P, Response]], Callable[P, Response]]:
    """Guard a view: anonymous visitors go to sign in (HTML) or get 401 (API); too low a role gets 403."""

    def decorate(view: Callable[P, Response]) -> Callable[P, Response]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> Response:
            request = bp.current_request
            account = current_account(request)
            if account is None:
                if request_path(request).startswith("/api/") or request.method != "GET":
                    raise SignInRequired()
                # the query too: a workshop's door is its meeting's door with ?workshop=
                return redirect(f"/inloggen?next={quote(path_with_query(request), safe='/')}")
            if RANKS[account.access] < RANKS[access]:
                raise Forbidden()
            return view(*args, **kwargs)

        return guarded

    return decorate

"""Who is asking: the session, the one decorator that guards pages by role, and the form pages it guards.

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
from chalicelib.views.http import FORM, FormView, current_account, form_post, path_with_query, redirect, request_path

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


def form_action(bp: Blueprint, path: str, access: Access) -> Callable[[FormView], FormView]:
    """A form that is one action (a button, a confirmation): its POST route, guarded by `requires` and
    run through `form_post`. It has no page of its own to show again: a refusal goes to the error page."""

    def decorate(view: FormView) -> FormView:
        handler = requires(bp, access)(form_post(bp)(view))
        bp.route(path, methods=["POST"], content_types=FORM)(handler)
        return handler

    return decorate


def form_page(
    bp: Blueprint, path: str, show: Callable[..., Response], access: Access | None = None
) -> Callable[[FormView], FormView]:
    """A page whose form posts back to its own path; both guarded by `requires` when `access` is given.

    GET shows `show(**URL parameters, values={}, errors={})`: nothing typed yet, so `show` fills in
    what is stored. The decorated view is the POST, run through `form_post`, which shows `show` again
    with the visitor's input and the errors when the view refuses them.
    """

    def guarded(view: FormView) -> FormView:
        return view if access is None else requires(bp, access)(view)

    @functools.wraps(show)
    def shown(**params: str) -> Response:
        return show(**params, values={}, errors={})

    def decorate(save: FormView) -> FormView:
        bp.route(path, methods=["GET"])(guarded(shown))
        handler = guarded(form_post(bp, on_invalid=show)(save))
        bp.route(path, methods=["POST"], content_types=FORM)(handler)
        return handler

    return decorate

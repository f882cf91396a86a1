"""Signing in with a one-time link, and signing out."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from chalice.app import Blueprint, Response

from chalicelib.accounts import sessions, signin
from chalicelib.core import config
from chalicelib.core.forms import FieldError
from chalicelib.views.http import (
    FORM,
    SESSION_COOKIE,
    client_address,
    cookie_header,
    cookies,
    form_post,
    language,
    local_path,
    page,
    query_params,
    redirect,
)

bp = Blueprint(__name__)


@bp.route("/inloggen", methods=["GET"])
def sign_in_form() -> Response:
    query = query_params(bp.current_request)
    return page(bp.current_request, "signin.html", values={"next": local_path(query.get("next"))}, errors={})


def _refused(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    kept = {"email": values.get("email", ""), "next": local_path(values.get("next"))}
    return page(bp.current_request, "signin.html", values=kept, errors=errors)


@bp.route("/inloggen", methods=["POST"], content_types=FORM)
@form_post(bp, on_invalid=_refused)
def sign_in_request(form: dict[str, str]) -> Response:
    request = bp.current_request
    signin.request_link(form, client_address(request), local_path(form.get("next")), language(request))
    # the same page whether or not the address has an account
    return page(request, "signin_sent.html")


@bp.route("/inloggen/{token}", methods=["GET"])
def sign_in_confirm(token: str) -> Response:
    # a button, not an automatic sign-in: mail scanners that open links must not use them up
    return page(bp.current_request, "signin_confirm.html", token=token)


@bp.route("/inloggen/{token}", methods=["POST"], content_types=FORM)
@form_post(bp)
def sign_in(form: dict[str, str], token: str) -> Response:
    session, next_path = signin.use_link(token)
    sessions.end_earlier(cookies(bp.current_request).get(SESSION_COOKIE))
    cookie = cookie_header(SESSION_COOKIE, session, config.SESSION_SECONDS)
    # back where the visitor was, with a notice there that says they are signed in
    path, _, query = local_path(next_path).partition("?")
    notice = urlencode([*parse_qsl(query), ("ingelogd", "1")])
    return redirect(f"{path}?{notice}", {"Set-Cookie": cookie})


@bp.route("/uitloggen", methods=["POST"], content_types=FORM)
@form_post(bp)
def sign_out(form: dict[str, str]) -> Response:
    sessions.end(cookies(bp.current_request).get(SESSION_COOKIE))
    return redirect("/", {"Set-Cookie": cookie_header(SESSION_COOKIE, "", 0)})

"""Signing in with a one-time link, and signing out."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.accounts import signin
from chalicelib.core import config
from chalicelib.core.errors import InvalidInput
from chalicelib.views.http import FORM, cookie_header, form_data, language, local_path, page, redirect, require_csrf

bp = Blueprint(__name__)


def _client(request: object) -> str:
    identity = getattr(request, "context", {}).get("identity", {})
    return str(identity.get("sourceIp", "unknown"))


@bp.route("/inloggen", methods=["GET"])
def sign_in_form() -> Response:
    query = bp.current_request.query_params or {}
    return page(bp.current_request, "signin.html", values={"next": local_path(query.get("next"))}, errors={})


@bp.route("/inloggen", methods=["POST"], content_types=FORM)
def sign_in_request() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    next_path = local_path(data.get("next"))
    try:
        signin.request_link(data, _client(request), next_path, language(request))
    except InvalidInput as invalid:
        values = {"email": data.get("email", ""), "next": next_path}
        return page(request, "signin.html", status=422, values=values, errors=invalid.fields)
    # the same page whether or not the address has an account
    return page(request, "signin_sent.html")


@bp.route("/inloggen/{token}", methods=["GET"])
def sign_in_confirm(token: str) -> Response:
    # a button, not an automatic sign-in: mail scanners that open links must not use them up
    return page(bp.current_request, "signin_confirm.html", token=token)


@bp.route("/inloggen/{token}", methods=["POST"], content_types=FORM)
def sign_in(token: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    session, next_path = signin.use_link(token)
    cookie = cookie_header(signin.COOKIE, session, config.SESSION_SECONDS)
    return redirect(local_path(next_path), {"Set-Cookie": cookie})


@bp.route("/uitloggen", methods=["POST"], content_types=FORM)
def sign_out() -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    return redirect("/", {"Set-Cookie": cookie_header(signin.COOKIE, "", 0)})

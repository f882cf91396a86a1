"""Requesting an account, verifying it, a member's own data, and newsletter unsubscribe."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import stores
from chalicelib.accounts import service as accounts
from chalicelib.accounts import signin
from chalicelib.accounts.model import Account
from chalicelib.core.errors import InvalidInput
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _
from chalicelib.mail import newsletter
from chalicelib.views.auth import requires
from chalicelib.views.http import (
    FORM,
    cookie_header,
    current_account,
    form_data,
    kept,
    language,
    page,
    redirect,
    require_csrf,
)

bp = Blueprint(__name__)


@bp.route("/account/aanvragen", methods=["GET"])
def request_form() -> Response:
    return page(bp.current_request, "account_request.html", values={}, errors={})


@bp.route("/account/aanvragen", methods=["POST"], content_types=FORM)
def request_account() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        accounts.request_account(data, language(request))
    except InvalidInput as invalid:
        values = kept(data)
        return page(request, "account_request.html", status=422, values=values, errors=invalid.fields)
    # the same page for a new and a known address
    return page(request, "account_request_sent.html")


@bp.route("/account/bevestigen/{token}", methods=["GET"])
def verify_confirm(token: str) -> Response:
    return page(bp.current_request, "account_verify.html", token=token, verified=None)


@bp.route("/account/bevestigen/{token}", methods=["POST"], content_types=FORM)
def verify(token: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    return page(request, "account_verify.html", token=token, verified=accounts.verify(token))


@bp.route("/account", methods=["GET"])
@requires(bp, "member")
def own_data() -> Response:
    return _own_page(current_account(bp.current_request), {}, {})


def _own_page(account: Account, values: dict[str, str], errors: dict[str, FieldError], status: int = 200) -> Response:
    registrations = stores.registrations().for_email(account.email)
    form = values or {"name": account.name, "organisation": account.organisation, "job": account.job}
    return page(
        bp.current_request,
        "account.html",
        status=status,
        registrations=registrations,
        values=form,
        errors=errors,
        saved=(bp.current_request.query_params or {}).get("opgeslagen") == "1",
    )


@bp.route("/account", methods=["POST"], content_types=FORM)
@requires(bp, "member")
def update_own() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    account = current_account(request)
    try:
        accounts.update_own(account, data)
    except InvalidInput as invalid:
        values = kept(data)
        return _own_page(account, values, invalid.fields, status=422)
    return redirect("/account?opgeslagen=1")


@bp.route("/account/verwijderen", methods=["POST"], content_types=FORM)
@requires(bp, "member")
def delete_own() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    account = current_account(request)
    if data.get("confirm") != "yes":
        errors = {"confirm": FieldError(_("Vink aan dat u uw account echt wilt verwijderen."))}
        return _own_page(account, {}, errors, status=422)
    accounts.delete_own(account)
    return redirect("/?account=verwijderd", {"Set-Cookie": cookie_header(signin.COOKIE, "", 0)})


@bp.route("/nieuwsbrief/afmelden/{token}", methods=["GET"])
def unsubscribe_confirm(token: str) -> Response:
    return page(bp.current_request, "unsubscribe.html", token=token, done=False)


# RFC 8058: mail clients POST here without cookies, so the signed token is the only
# credential; a CSRF check would break one-click unsubscribe and protects nothing here.
@bp.route("/nieuwsbrief/afmelden/{token}", methods=["POST"], content_types=[*FORM, "multipart/form-data"])
def unsubscribe(token: str) -> Response:
    newsletter.unsubscribe(token)
    return page(bp.current_request, "unsubscribe.html", token=token, done=True)

"""Requesting an account, verifying it, a member's own data and themes, and unsubscribing from mail."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts import groups, newsletter
from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Access, Account
from chalicelib.core import themes
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _
from chalicelib.following import digest
from chalicelib.mail import suppression
from chalicelib.registrations import certificates
from chalicelib.registrations import service as registration
from chalicelib.views.auth import form_action, form_page, signed_in
from chalicelib.views.http import (
    FORM,
    SESSION_COOKIE,
    client_address,
    cookie_header,
    form_post,
    language,
    page,
    query_params,
    redirect,
)

bp = Blueprint(__name__)


def _request_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return page(bp.current_request, "account_request.html", values=values, errors=errors)


@form_page(bp, "/account/aanvragen", _request_page)
def request_account(form: dict[str, str]) -> Response:
    accounts.request_account(form, language(bp.current_request), client_address(bp.current_request))
    # the same page for a new and a known address
    return page(bp.current_request, "account_request_sent.html")


@bp.route("/account/bevestigen/{token}", methods=["GET"])
def verify_confirm(token: str) -> Response:
    return page(bp.current_request, "account_verify.html", token=token, verified=None)


@bp.route("/account/bevestigen/{token}", methods=["POST"], content_types=FORM)
@form_post(bp)
def verify(form: dict[str, str], token: str) -> Response:
    return page(bp.current_request, "account_verify.html", token=token, verified=accounts.verify(token))


def _own_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    account: Account = signed_in(bp.current_request)
    form = values or {"name": account.name, "organisation": account.organisation, "job": account.job}
    mine = registration.of_person(account.email)
    return page(
        bp.current_request,
        "account.html",
        registrations=mine,
        with_certificate={reg.token for reg in mine if certificates.listed(reg)},
        values=form,
        errors=errors,
        saved=query_params(bp.current_request).get("opgeslagen") == "1",
        suppressed=suppression.of(account.email),
        reachable=query_params(bp.current_request).get("bereikbaar") == "1",
        calendar_url=accounts.calendar_url(account),
        calendar_reset=query_params(bp.current_request).get("agenda") == "nieuw",
        themes=themes.themes(),
        groups=groups.of(account) if account.groups else [],
        followed=themes.boxes(account.themes),
        themes_saved=query_params(bp.current_request).get("themas") == "opgeslagen",
    )


@form_page(bp, "/account", _own_page, Access.MEMBER)
def update_own(form: dict[str, str]) -> Response:
    accounts.update_own(signed_in(bp.current_request), form)
    return redirect("/account?opgeslagen=1")


@form_action(bp, "/account/bereikbaar", Access.MEMBER)
def reachable_again(form: dict[str, str]) -> Response:
    """The member says their address works again after a bounce or spam report."""
    suppression.lift_own(signed_in(bp.current_request).email)
    return redirect("/account?bereikbaar=1")


@form_action(bp, "/account/themas", Access.MEMBER)
def follow_themes(form: dict[str, str]) -> Response:
    account = signed_in(bp.current_request)
    accounts.set_themes(account, themes.chosen(form), actor=account.email)
    return redirect("/account?themas=opgeslagen#themas")


@form_action(bp, "/account/agenda", Access.MEMBER)
def reset_calendar(form: dict[str, str]) -> Response:
    accounts.reset_calendar(signed_in(bp.current_request))
    return redirect("/account?agenda=nieuw#agenda")


@form_action(bp, "/account/verwijderen", Access.MEMBER)
def delete_own(form: dict[str, str]) -> Response:
    if form.get("confirm") != "yes":
        response = _own_page({}, {"confirm": FieldError(_("Vink aan dat u uw account echt wilt verwijderen."))})
        response.status_code = 422
        return response
    accounts.delete_own(signed_in(bp.current_request))
    return redirect("/?account=verwijderd", {"Set-Cookie": cookie_header(SESSION_COOKIE, "", 0)})


@bp.route("/nieuwsbrief/afmelden/{token}", methods=["GET"])
def unsubscribe_confirm(token: str) -> Response:
    return page(
        bp.current_request,
        "unsubscribe.html",
        action=f"/nieuwsbrief/afmelden/{token}",
        themes=None,
        done=not newsletter.still_subscribed(token),
    )


# RFC 8058: mail clients POST here without cookies, so the signed token is the only
# credential; a CSRF check would break one-click unsubscribe and protects nothing here.
@bp.route("/nieuwsbrief/afmelden/{token}", methods=["POST"], content_types=[*FORM, "multipart/form-data"])
def unsubscribe(token: str) -> Response:
    newsletter.unsubscribe(token)
    return page(bp.current_request, "unsubscribe.html", action=f"/nieuwsbrief/afmelden/{token}", themes=None, done=True)


@bp.route("/themas/afmelden/{token}", methods=["GET"])
def unfollow_confirm(token: str) -> Response:
    named, still_followed = digest.unfollow_asked(token)
    return page(
        bp.current_request,
        "unsubscribe.html",
        action=f"/themas/afmelden/{token}",
        themes=named,
        done=not still_followed,
    )


# RFC 8058 as above: the signed link is the credential, for the themes its digest was sent for
@bp.route("/themas/afmelden/{token}", methods=["POST"], content_types=[*FORM, "multipart/form-data"])
def unfollow(token: str) -> Response:
    named = digest.unfollow(token)
    return page(bp.current_request, "unsubscribe.html", action=f"/themas/afmelden/{token}", themes=named, done=True)

"""/beheer: organisers only. For now the account requests and the newsletter export;
the organiser-workspace issue completes it."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import accounts, newsletter, stores
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, page, redirect, require_csrf

bp = Blueprint(__name__)


@bp.route("/beheer/accounts", methods=["GET"])
@requires(bp, "organiser")
def account_list() -> Response:
    store = stores.accounts()
    return page(
        bp.current_request,
        "admin_accounts.html",
        pending=store.by_status("pending"),
        approved=store.by_status("approved"),
        disabled=store.by_status("disabled"),
    )


@bp.route("/beheer/accounts/{key}/{status}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def decide(key: str, status: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    accounts.decide(current_account(request), key, status)
    return redirect("/beheer/accounts")


@bp.route("/beheer/nieuwsbrief.csv", methods=["GET"])
@requires(bp, "organiser")
def newsletter_export() -> Response:
    return Response(
        newsletter.subscribers_csv(),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="nieuwsbrief-abonnees.csv"',
            "Cache-Control": "no-store",
        },
    )

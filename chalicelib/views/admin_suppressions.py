"""/beheer/onbereikbaar: addresses that mail to many skips (hard bounces, complaints); organisers lift an entry."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.mail import suppression
from chalicelib.views.auth import form_action, requires, signed_in
from chalicelib.views.http import page, query_params, redirect

bp = Blueprint(__name__)
BASE = "/beheer/onbereikbaar"


@bp.route(BASE, methods=["GET"])
@requires(bp, Access.ORGANISER)
def suppression_list() -> Response:
    query = query_params(bp.current_request)
    address = query.get("adres", "").strip()[:254]
    return page(
        bp.current_request,
        "admin_suppressions.html",
        entries=suppression.newest(),
        shown=suppression.SHOWN,
        address=address,
        found=suppression.find(address) if address else None,
        lifted=query.get("opgeheven") == "1",
    )


@form_action(bp, BASE + "/{key}/opheffen", Access.ORGANISER)
def lift(form: dict[str, str], key: str) -> Response:
    suppression.lift(signed_in(bp.current_request).email, key)
    return redirect(BASE + "?opgeheven=1")

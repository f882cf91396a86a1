"""/beheer: organisers only. For now the account requests and the newsletter export;
the organiser-workspace issue completes it."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import accounts, clock, library, newsletter, stores
from chalicelib.errors import NotFound
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


@bp.route("/beheer/materialen", methods=["GET"])
@requires(bp, "organiser")
def materials() -> Response:
    return page(bp.current_request, "admin_materials.html", materials=stores.library().all_materials(), now=clock.now())


@bp.route("/beheer/materialen/{material_id}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def publish(material_id: str, action: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    if action not in ("publiceren", "intrekken"):
        raise NotFound()
    library.set_published(current_account(request), material_id, action == "publiceren")
    return redirect("/beheer/materialen")


@bp.route("/beheer/materialen/{material_id}/downloads", methods=["GET"])
@requires(bp, "organiser")
def downloads(material_id: str) -> Response:
    material = stores.library().material(material_id)
    if material is None:
        raise NotFound()
    return page(
        bp.current_request, "admin_downloads.html", material=material, downloads=stores.library().downloads(material_id)
    )

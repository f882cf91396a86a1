"""/kennisbank: the materials a visitor may open, and their downloads."""

from __future__ import annotations

from urllib.parse import quote

from chalice.app import Blueprint, Response

from chalicelib.core.errors import NotFound
from chalicelib.library import service as library
from chalicelib.views.http import current_account, page, query_params, redirect

bp = Blueprint(__name__)


@bp.route("/kennisbank", methods=["GET"])
def library_page() -> Response:
    request = bp.current_request
    filters = library.clean_filters(query_params(request))
    return page(request, "library.html", result=library.find(current_account(request), filters))


@bp.route("/kennisbank/{material_id}/download", methods=["GET"])
def download(material_id: str) -> Response:
    request = bp.current_request
    account = current_account(request)
    try:
        url = library.download(material_id, account)
    except NotFound:
        if account is None:  # a member's link from a mail, followed signed out: sign in, then the file
            return redirect(f"/inloggen?next=/kennisbank/{quote(material_id, safe='')}/download")
        raise
    return redirect(url, {"Cache-Control": "no-store"})

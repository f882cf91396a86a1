"""/beheer/materialen and /beheer/documenten: the knowledge library's materials, for organisers."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import stores
from chalicelib.core import clock, config
from chalicelib.core.errors import InvalidInput, NotFound
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import THEMES
from chalicelib.events import workspace as event_admin
from chalicelib.library import documents
from chalicelib.library import service as library
from chalicelib.library.model import ACCESS_LEVELS
from chalicelib.library.storage import UploadRejected
from chalicelib.views.auth import requires
from chalicelib.views.http import (
    FORM,
    current_account,
    form_data,
    kept,
    language,
    local_path,
    page,
    redirect,
    require_csrf,
    upload_page,
)

bp = Blueprint(__name__)


@bp.route("/beheer/materialen", methods=["GET"])
@requires(bp, "organiser")
def materials() -> Response:
    return page(bp.current_request, "admin_materials.html", materials=stores.library().all_materials(), now=clock.now())


def _edit_page(
    material_id: str, status: int = 200, values: dict[str, str] | None = None, errors: Any = None
) -> Response:
    material = documents.get(material_id)
    return page(
        bp.current_request,
        "admin_material.html",
        status=status,
        material=material,
        values=values or documents.values(material),
        errors=errors or {},
        themes=THEMES,
        access_levels=ACCESS_LEVELS,
        now=clock.now(),
        saved=(bp.current_request.query_params or {}).get("opgeslagen") == "1",
    )


@bp.route("/beheer/materialen/{material_id}", methods=["GET"])
@requires(bp, "organiser")
def edit(material_id: str) -> Response:
    return _edit_page(material_id)


@bp.route("/beheer/materialen/{material_id}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def update(material_id: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        documents.update(current_account(request), material_id, data)
    except InvalidInput as invalid:
        return _edit_page(material_id, 422, kept(data), invalid.fields)
    return redirect(f"/beheer/materialen/{material_id}?opgeslagen=1")


@bp.route("/beheer/materialen/{material_id}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def material_action(material_id: str, action: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    if action == "verwijderen":
        documents.remove(current_account(request), material_id)
        return redirect("/beheer/materialen")
    if action not in ("publiceren", "intrekken"):
        raise NotFound()
    library.set_published(current_account(request), material_id, action == "publiceren")
    return redirect(local_path(data.get("next")) if data.get("next") else "/beheer/materialen")


@bp.route("/beheer/materialen/{material_id}/downloads", methods=["GET"])
@requires(bp, "organiser")
def downloads(material_id: str) -> Response:
    material = stores.library().material(material_id)
    if material is None:
        raise NotFound()
    return page(
        bp.current_request, "admin_downloads.html", material=material, downloads=stores.library().downloads(material_id)
    )


@bp.route("/beheer/documenten/nieuw", methods=["GET"])
@requires(bp, "organiser")
def new_document() -> Response:
    return _new_document_page()


def _new_document_page(
    status: int = 200, values: dict[str, str] | None = None, errors: Any = None, message: str = ""
) -> Response:
    return page(
        bp.current_request,
        "admin_document_new.html",
        status=status,
        events=event_admin.all_events(),
        values=values or {},
        errors=errors or {},
        message=message,
    )


@bp.route("/beheer/documenten/nieuw", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def start_document() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        forms = documents.start_upload(data)
    except InvalidInput as invalid:
        return _new_document_page(422, kept(data), invalid.fields)
    return upload_page(request, forms, done_url="/beheer/documenten/klaar", back_url="/beheer/documenten/nieuw")


@bp.route("/beheer/documenten/klaar", methods=["GET"])
@requires(bp, "organiser")
def finish_document() -> Response:
    """Where S3 sends the browser back (plain form), or upload.js goes after its upload."""
    request = bp.current_request
    try:
        material = documents.finish_upload(current_account(request), (request.query_params or {}).get("key", ""))
    except UploadRejected as rejected:
        message = gettext(language(request), rejected.msgid, max=config.upload_max_bytes() // (1024 * 1024))
        return _new_document_page(422, message=message)
    return redirect(f"/beheer/materialen/{material.id}?nieuw=1")

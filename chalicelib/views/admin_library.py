"""/beheer/materialen and /beheer/documenten: the knowledge library's materials, for organisers."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import clock, config
from chalicelib.core.errors import NotFound
from chalicelib.core.forms import FieldError
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import themes
from chalicelib.library import documents
from chalicelib.library import service as library
from chalicelib.library.files import UploadRejected
from chalicelib.library.model import ACCESS_LEVELS
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import (
    language,
    local_path,
    page,
    query_params,
    redirect,
    with_upload_form,
)

bp = Blueprint(__name__)


@bp.route("/beheer/materialen", methods=["GET"])
@requires(bp, Access.ORGANISER)
def materials() -> Response:
    found = documents.materials_page(query_params(bp.current_request).get("na") or None)
    return page(bp.current_request, "admin_materials.html", materials=found, now=clock.now())


def _edit_page(material_id: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    material = documents.get(material_id)
    return page(
        bp.current_request,
        "admin_material.html",
        material=material,
        values=values or documents.values(material),
        errors=errors,
        themes=themes(),
        access_levels=ACCESS_LEVELS,
        now=clock.now(),
        saved=query_params(bp.current_request).get("opgeslagen") == "1",
        share_targets=library.share_targets_named(language(bp.current_request)),
    )


@form_page(bp, "/beheer/materialen/{material_id}", _edit_page, Access.ORGANISER)
def update(form: dict[str, str], material_id: str) -> Response:
    documents.update(signed_in(bp.current_request), material_id, form)
    return redirect(f"/beheer/materialen/{material_id}?opgeslagen=1")


@form_action(bp, "/beheer/materialen/{material_id}/{action}", Access.ORGANISER)
def material_action(form: dict[str, str], material_id: str, action: str) -> Response:
    organiser = signed_in(bp.current_request)
    if action == "verwijderen":
        documents.remove(organiser, material_id)
        return redirect("/beheer/materialen")
    if action == "delen":  # one checkbox per other network: delen_{name}=yes
        chosen = tuple(name.removeprefix("delen_") for name, value in form.items() if name.startswith("delen_"))
        library.share(organiser, material_id, chosen)
        return redirect(f"/beheer/materialen/{material_id}?opgeslagen=1")
    if action not in ("publiceren", "intrekken"):
        raise NotFound()
    library.set_published(organiser, material_id, action == "publiceren")
    return redirect(local_path(form.get("next")) if form.get("next") else "/beheer/materialen")


@bp.route("/beheer/materialen/{material_id}/downloads", methods=["GET"])
@requires(bp, Access.ORGANISER)
def downloads(material_id: str) -> Response:
    material, downloads = documents.downloads(material_id)
    return page(bp.current_request, "admin_downloads.html", material=material, downloads=downloads)


@bp.route("/beheer/documenten/nieuw", methods=["GET"])
@requires(bp, Access.ORGANISER)
def new_document() -> Response:
    return _new_document_page()


def _new_document_page(message: str = "") -> Response:
    upload = documents.upload_form()
    response = page(
        bp.current_request,
        "admin_document_new.html",
        upload=upload,
        max_mb=config.upload_max_bytes() // (1024 * 1024),
        message=message,
    )
    return with_upload_form(response, upload.url)


@bp.route("/beheer/documenten/klaar", methods=["GET"])
@requires(bp, Access.ORGANISER)
def finish_document() -> Response:
    """Where S3 sends the browser back (plain form), or upload.js goes after its upload."""
    request = bp.current_request
    try:
        material = documents.finish_upload(signed_in(request), query_params(request).get("key", ""))
    except UploadRejected as rejected:
        response = _new_document_page(gettext(language(request), rejected.msgid, **rejected.params))
        response.status_code = 422
        return response
    return redirect(f"/beheer/materialen/{material.id}?nieuw=1")

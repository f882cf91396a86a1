"""The speaker's private page: their slots, their files, and one form that sends a file straight to S3."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.core import config
from chalicelib.core.rendering import gettext
from chalicelib.library import speakers
from chalicelib.library.files import UploadRejected
from chalicelib.views.http import FORM, form_post, language, page, query_params, redirect, with_upload_form

bp = Blueprint(__name__)


def _speaker_page(token: str, message: str = "") -> Response:
    view = speakers.open_link(token)
    upload = speakers.upload_form(token, view)
    response = page(
        bp.current_request,
        "speaker.html",
        token=token,
        view=view,
        upload=upload,
        files_by_part={m.part: m for m in view.files},
        max_mb=config.upload_max_bytes() // (1024 * 1024),
        message=message,
        saved=query_params(bp.current_request).get("opgeslagen") == "1",
        # the part whose file was just removed, named by its key (never text from the address)
        removed=next((p for p in view.parts if p.key == query_params(bp.current_request).get("verwijderd")), None),
    )
    return with_upload_form(response, upload.url)


@bp.route("/spreker/{token}", methods=["GET"])
def speaker_page(token: str) -> Response:
    return _speaker_page(token)


@bp.route("/spreker/{token}/klaar", methods=["GET"])
def finish_upload(token: str) -> Response:
    """Where S3 sends the browser back (plain form), or upload.js goes after its upload."""
    key = query_params(bp.current_request).get("key", "")
    try:
        speakers.finish_upload(token, key)
    except UploadRejected as rejected:
        response = _speaker_page(token, gettext(language(bp.current_request), rejected.msgid, **rejected.params))
        response.status_code = 422
        return response
    return redirect(f"/spreker/{token}?opgeslagen=1")


@bp.route("/spreker/{token}/bestanden/{material_id}/verwijderen", methods=["GET"])
def confirm_remove(token: str, material_id: str) -> Response:
    """Removing a file is asked once more, with its name and the part it is for."""
    view, material = speakers.own_file(token, material_id)
    part = next((p for p in view.parts if p.key == material.part), None)
    return page(bp.current_request, "speaker_remove.html", token=token, view=view, file=material, part=part)


@bp.route("/spreker/{token}/bestanden/{material_id}/verwijderen", methods=["POST"], content_types=FORM)
@form_post(bp)
def remove(form: dict[str, str], token: str, material_id: str) -> Response:
    removed = speakers.remove(token, material_id)
    return redirect(f"/spreker/{token}?verwijderd={removed.part}")

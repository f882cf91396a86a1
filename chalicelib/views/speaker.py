"""The speaker's private page: their slots, their files, and uploads straight to S3."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import config
from chalicelib.core.errors import InvalidInput
from chalicelib.core.rendering import gettext
from chalicelib.library import speakers
from chalicelib.library.storage import UploadRejected
from chalicelib.views.http import FORM, form_data, language, page, redirect, require_csrf, upload_page

bp = Blueprint(__name__)


def _speaker_page(token: str, status: int = 200, errors: dict | None = None, message: str = "") -> Response:
    view = speakers.open_link(token)
    saved = (bp.current_request.query_params or {}).get("opgeslagen") == "1"
    return page(
        bp.current_request,
        "speaker.html",
        status=status,
        token=token,
        view=view,
        files_by_slot={m.slot: m for m in view.files},
        max_mb=config.upload_max_bytes() // (1024 * 1024),
        errors=errors or {},
        values={},
        message=message,
        saved=saved,
    )


@bp.route("/spreker/{token}", methods=["GET"])
def speaker_page(token: str) -> Response:
    return _speaker_page(token)


@bp.route("/spreker/{token}/upload", methods=["POST"], content_types=FORM)
def start_upload(token: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        forms = speakers.start_upload(token, data)
    except InvalidInput as invalid:
        return _speaker_page(token, status=422, errors=invalid.fields)
    return upload_page(
        request, forms, done_url=f"/spreker/{token}/klaar", back_url=f"/spreker/{token}", for_title=forms.slot.title
    )


@bp.route("/spreker/{token}/klaar", methods=["GET"])
def finish_upload(token: str) -> Response:
    """Where S3 sends the browser back (plain form), or the script goes after its upload."""
    key = (bp.current_request.query_params or {}).get("key", "")
    try:
        speakers.finish_upload(token, key)
    except UploadRejected as rejected:
        lang = language(bp.current_request)
        message = gettext(lang, rejected.msgid, max=config.upload_max_bytes() // (1024 * 1024))
        return _speaker_page(token, status=422, message=message)
    return redirect(f"/spreker/{token}?opgeslagen=1")


@bp.route("/spreker/{token}/bestanden/{material_id}/verwijderen", methods=["POST"], content_types=FORM)
def remove(token: str, material_id: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    speakers.remove(token, material_id)
    return redirect(f"/spreker/{token}")

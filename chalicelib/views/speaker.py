"""The speaker's private page: their slots, their files, and uploads straight to S3."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.core import config
from chalicelib.core.forms import FieldError
from chalicelib.core.rendering import gettext
from chalicelib.library import speakers
from chalicelib.library.storage import UploadRejected
from chalicelib.views.http import FORM, form_post, language, page, query_params, redirect, upload_page

bp = Blueprint(__name__)


def _speaker_page(
    token: str, values: dict[str, str] | None = None, errors: dict[str, FieldError] | None = None, message: str = ""
) -> Response:
    view = speakers.open_link(token)
    saved = query_params(bp.current_request).get("opgeslagen") == "1"
    return page(
        bp.current_request,
        "speaker.html",
        token=token,
        view=view,
        files_by_slot={m.slot: m for m in view.files},
        max_mb=config.upload_max_bytes() // (1024 * 1024),
        errors=errors or {},
        values=values or {},
        message=message,
        saved=saved,
    )


@bp.route("/spreker/{token}", methods=["GET"])
def speaker_page(token: str) -> Response:
    return _speaker_page(token)


@bp.route("/spreker/{token}/upload", methods=["POST"], content_types=FORM)
@form_post(bp, on_invalid=_speaker_page)
def start_upload(form: dict[str, str], token: str) -> Response:
    forms = speakers.start_upload(token, form)
    return upload_page(
        bp.current_request,
        forms,
        done_url=f"/spreker/{token}/klaar",
        back_url=f"/spreker/{token}",
        for_title=forms.slot.title,
    )


@bp.route("/spreker/{token}/klaar", methods=["GET"])
def finish_upload(token: str) -> Response:
    """Where S3 sends the browser back (plain form), or the script goes after its upload."""
    key = query_params(bp.current_request).get("key", "")
    try:
        speakers.finish_upload(token, key)
    except UploadRejected as rejected:
        lang = language(bp.current_request)
        message = gettext(lang, rejected.msgid, max=config.upload_max_bytes() // (1024 * 1024))
        response = _speaker_page(token, message=message)
        response.status_code = 422
        return response
    return redirect(f"/spreker/{token}?opgeslagen=1")


@bp.route("/spreker/{token}/bestanden/{material_id}/verwijderen", methods=["POST"], content_types=FORM)
@form_post(bp)
def remove(form: dict[str, str], token: str, material_id: str) -> Response:
    speakers.remove(token, material_id)
    return redirect(f"/spreker/{token}")

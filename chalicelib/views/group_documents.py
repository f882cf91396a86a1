"""/groepen/{name}/documenten: a working group's documents, their versions, uploads and publication.

Guarded as the group's own page: a visitor without a session is sent to sign in (for every address,
so nothing is told); to a signed-in person outside the group (and not an organiser) every address is
404, as a missing group's.
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import config
from chalicelib.core.forms import FieldError
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import themes
from chalicelib.library import group_documents, group_publishing
from chalicelib.library.files import UploadRejected
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import language, page, query_params, redirect, with_upload_form

bp = Blueprint(__name__)


def _new_page(name: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    shown = group_documents.of_group(signed_in(bp.current_request), name)
    return page(
        bp.current_request,
        "group_document_new.html",
        group=shown.group,
        documents=shown.documents,
        values=values,
        errors=errors,
    )


@form_page(bp, "/groepen/{name}/documenten/nieuw", _new_page, Access.MEMBER)
def create(form: dict[str, str], name: str) -> Response:
    document = group_documents.create(signed_in(bp.current_request), name, form)
    return redirect(f"/groepen/{name}/documenten/{document.id}?nieuw=1#upload-kop")


def _document_page(
    name: str, document_id: str, values: dict[str, str], errors: dict[str, FieldError], message: str = ""
) -> Response:
    request = bp.current_request
    viewer = signed_in(request)
    shown = group_publishing.page(viewer, name, document_id)
    upload = group_documents.upload_form(viewer, shown.history)
    response = page(
        request,
        "group_document.html",
        shown=shown,
        document=shown.history.document,
        upload=upload,
        max_mb=config.upload_max_bytes() // (1024 * 1024),
        message=message,
        values=values or group_publishing.values(shown),
        errors=errors,
        themes=themes(),
        levels=group_publishing.LEVELS,
        notice=query_params(request).get("nieuw") or query_params(request).get("opgeslagen") or "",
    )
    return with_upload_form(response, upload.url)


@form_page(bp, "/groepen/{name}/documenten/{document_id}", _document_page, Access.MEMBER)
def publish(form: dict[str, str], name: str, document_id: str) -> Response:
    group_publishing.publish(signed_in(bp.current_request), name, document_id, form)
    return redirect(f"/groepen/{name}/documenten/{document_id}?opgeslagen=gepubliceerd")


@form_action(bp, "/groepen/{name}/documenten/{document_id}/intrekken", Access.MEMBER)
def withdraw(form: dict[str, str], name: str, document_id: str) -> Response:
    group_publishing.withdraw(signed_in(bp.current_request), name, document_id)
    return redirect(f"/groepen/{name}/documenten/{document_id}?opgeslagen=ingetrokken")


@bp.route("/groepen/{name}/documenten/{document_id}/klaar", methods=["GET"])
@requires(bp, Access.MEMBER)
def finish_upload(name: str, document_id: str) -> Response:
    """Where S3 sends the browser back (plain form), or upload.js goes after its upload."""
    request = bp.current_request
    try:
        group_documents.finish_upload(signed_in(request), name, document_id, query_params(request).get("key", ""))
    except UploadRejected as rejected:
        message = gettext(language(request), rejected.msgid, **rejected.params)
        response = _document_page(name, document_id, {}, {}, message)
        response.status_code = 422
        return response
    return redirect(f"/groepen/{name}/documenten/{document_id}?opgeslagen=versie")


@bp.route("/groepen/{name}/documenten/{document_id}/versies/{number}", methods=["GET"])
@requires(bp, Access.MEMBER)
def download(name: str, document_id: str, number: str) -> Response:
    """A version's file, through a link that works for a few minutes."""
    url = group_documents.download(signed_in(bp.current_request), name, document_id, number)
    return redirect(url, {"Cache-Control": "no-store"})

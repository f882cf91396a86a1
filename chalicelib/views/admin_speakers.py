"""/beheer/bijeenkomsten/{slug}/sprekers: invite speakers, resend or revoke, see and publish their slides."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import stores
from chalicelib.core import clock
from chalicelib.core.errors import InvalidInput, NotFound
from chalicelib.events import workspace as event_admin
from chalicelib.library import speakers
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten/{slug}/sprekers"


def _page(slug: str, status: int = 200, values: dict[str, str] | None = None, errors: Any = None) -> Response:
    event = event_admin.get(slug)
    invited = stores.library().speakers_of(slug)
    return page(
        bp.current_request,
        "admin_speakers.html",
        status=status,
        event=event,
        invited=invited,
        slides={(m.speaker_id, m.slot): m for m in event.materials if m.speaker_id},
        values=values or {},
        errors=errors or {},
        done=(bp.current_request.query_params or {}).get("gedaan", ""),
        now=clock.now(),
    )


@bp.route(BASE, methods=["GET"])
@requires(bp, "organiser")
def speaker_list(slug: str) -> Response:
    return _page(slug)


@bp.route(BASE, methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def invite(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        speakers.invite_from_form(current_account(request), slug, data)
    except InvalidInput as invalid:
        return _page(slug, 422, kept(data), invalid.fields)
    return redirect(f"/beheer/bijeenkomsten/{slug}/sprekers?gedaan=uitgenodigd")


@bp.route(BASE + "/{speaker_id}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def speaker_action(slug: str, speaker_id: str, action: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    if action == "opnieuw":
        speakers.resend(current_account(request), slug, speaker_id)
    elif action == "intrekken":
        speakers.revoke_invitation(current_account(request), slug, speaker_id)
    else:
        raise NotFound()
    return redirect(f"/beheer/bijeenkomsten/{slug}/sprekers?gedaan={action}")

"""/beheer/bijeenkomsten/{slug}/sprekers: invite speakers, resend or revoke, see and publish their slides."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import clock
from chalicelib.core.errors import NotFound
from chalicelib.core.forms import FieldError
from chalicelib.events import workspace as event_admin
from chalicelib.library import slides, speakers
from chalicelib.views.auth import form_action, form_page, signed_in
from chalicelib.views.http import page, query_params, redirect

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten/{slug}/sprekers"


def _page(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    event = event_admin.get(slug)
    invited = speakers.of_event(slug)
    return page(
        bp.current_request,
        "admin_speakers.html",
        event=event,
        invited=invited,
        uninvited=speakers.uninvited(event, invited),
        # the speakers' files per slot (a round's: one per workshop)
        slides=slides.slides_by_slot(event),
        values=values or speakers.prefilled(event, query_params(bp.current_request)),
        errors=errors,
        done=query_params(bp.current_request).get("gedaan", ""),
        now=clock.now(),
    )


@form_page(bp, BASE, _page, Access.ORGANISER)
def invite(form: dict[str, str], slug: str) -> Response:
    speakers.invite_from_form(signed_in(bp.current_request), slug, form)
    return redirect(f"/beheer/bijeenkomsten/{slug}/sprekers?gedaan=uitgenodigd")


@form_action(bp, BASE + "/{speaker_id}/{action}", Access.ORGANISER)
def speaker_action(form: dict[str, str], slug: str, speaker_id: str, action: str) -> Response:
    organiser = signed_in(bp.current_request)
    if action == "opnieuw":
        speakers.resend(organiser, slug, speaker_id)
    elif action == "intrekken":
        speakers.revoke_invitation(organiser, slug, speaker_id)
    else:
        raise NotFound()
    return redirect(f"/beheer/bijeenkomsten/{slug}/sprekers?gedaan={action}")

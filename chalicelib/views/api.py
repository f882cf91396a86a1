"""The JSON API, version 1: the same operations as the pages, described at /api/v1/openapi.json.

It follows the Dutch API Design Rules: the major version in the path, the full version in every
response's `API-Version` header (added where every response passes, `views/errors.py`), and
errors as RFC 9457 problem details. The paths before /api/v1 answer with a permanent redirect
(308, which keeps the method and body) for one release."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from chalice.app import Blueprint, Response

from chalicelib.core import clock
from chalicelib.core.api_fields import json_fields
from chalicelib.core.errors import BadRequest, InvalidInput, KeyReused, RequestInProgress
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _
from chalicelib.core.jsontypes import JsonObject
from chalicelib.core.paging import Page
from chalicelib.core.rendering import gettext
from chalicelib.events import service as events
from chalicelib.events.model import Event
from chalicelib.library import service as library
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.views.http import (
    header_key,
    json_body,
    json_response,
    language,
    query_params,
    redirect,
    request_path,
)
from chalicelib.views.openapi import document

bp = Blueprint(__name__)
API = "/api/v1"

_FIELDS = ("name", "email", "organisation", "role", "remarks", "attendance")


def event_json(event: Event, detail: bool = True) -> JsonObject:
    """The fields the declaration on `Event` shows in the API, and what follows from them."""
    body = json_fields(event, detail) | {
        "places_left": event.places_left,
        "waiting": event.waiting_total,
        "registration": event.registration_state(clock.now()),
        # each way of taking part the meeting offers (never the online link: that is for confirmed seats)
        "attendance": [
            {"mode": seats.mode, "places_left": seats.places_left, "waiting": seats.waiting}
            for seats in event.all_seats
        ],
    }
    if detail:
        _add_places_left(event, body["programme"])
    return body


def _add_places_left(event: Event, programme: list[JsonObject]) -> None:
    """Each workshop of a round (the API calls them `sessions`) with the seats it has left: a registration
    chooses one of them by the round's position."""
    for slot, shown in zip(event.programme, programme, strict=True):
        for workshop, session in zip(slot.workshops, shown["sessions"], strict=True):
            session["places_left"] = event.workshop_places_left(slot.position, workshop.id)


def _page_json(listing: Page[Event]) -> JsonObject:
    return {"events": [event_json(e, detail=False) for e in listing.items], "next": listing.cursor}


@bp.route(API + "/events", methods=["GET"])
def list_events() -> Response:
    query = query_params(bp.current_request)
    when = query.get("when", "upcoming")
    if when not in ("upcoming", "past"):
        raise BadRequest(_("Kies 'upcoming' of 'past' voor 'when'."))
    listing = events.past(query.get("after")) if when == "past" else events.upcoming(query.get("after"))
    return json_response(_page_json(listing))


@bp.route(API + "/kennisbank", methods=["GET"])
def search_library() -> Response:
    """Public materials matching `q` (and the page's filters), best first; the same search as /kennisbank."""
    found = library.find(None, library.api_filters(query_params(bp.current_request)))
    return json_response(
        {
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "suggestion": found.suggestion or None,
            "materials": [
                {
                    "id": hit.material.id,
                    "title": hit.material.title,
                    "description": hit.material.description,
                    "themes": list(hit.material.themes),
                    "date": hit.material.date.isoformat(),
                    "file_type": hit.material.file_type,
                    "event": hit.material.event_slug or None,
                    # the snippet as plain text: the page marks the matched words, JSON has no markup
                    "snippet": hit.snippet.striptags() if hit.snippet else None,
                    "download": f"/kennisbank/{hit.material.id}/download",
                }
                for hit in found.hits
            ],
        }
    )


@bp.route(API + "/events/{slug}", methods=["GET"])
def get_event(slug: str) -> Response:
    # read as nobody signed in: a working group's meeting is never in the public API
    return json_response(event_json(events.get(slug)))


def _as_form(body: JsonObject) -> dict[str, str]:
    """JSON strings become form values; anything else in a text field is refused."""
    wrong = {
        k: FieldError(_("Dit veld moet tekst zijn.")) for k in _FIELDS if k in body and not isinstance(body[k], str)
    }
    if wrong:
        raise InvalidInput(wrong)
    form = {k: body[k] for k in _FIELDS if k in body}
    form["consent"] = "yes" if body.get("consent") is True else ""
    return form | _answers_as_form(body.get("answers", {})) | _sessions_as_form(body.get("sessions", {}))


def _sessions_as_form(sessions: object) -> dict[str, str]:
    """`sessions`: a workshop's id by its round's position."""
    if not isinstance(sessions, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in sessions.values()
    ):
        raise InvalidInput({"sessions": FieldError(_("Geef per workshopronde het nummer van een workshop."))})
    return {f"round_{position}": str(workshop_id) for position, workshop_id in sessions.items()}


def _answers_as_form(answers: object) -> dict[str, str]:
    """`answers` by question id: text, or a list of texts for several choices (one per line in the form)."""
    if not isinstance(answers, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)) for v in answers.values()
    ):
        raise InvalidInput({"answers": FieldError(_("Geef per vraagnummer tekst, of een lijst van teksten."))})
    return {f"answer_{key}": value if isinstance(value, str) else "\n".join(value) for key, value in answers.items()}


@contextmanager
def _keyed() -> Iterator[None]:
    """A refused Idempotency-Key, in the API's words: the forms' message speaks of a form."""
    try:
        yield
    except KeyReused as reused:
        raise KeyReused(
            _(
                "Deze Idempotency-Key is al gebruikt voor een verzoek met een andere inhoud. Gebruik voor een nieuw verzoek een nieuwe sleutel."
            )
        ) from reused


@bp.route(API + "/events/{slug}/registrations", methods=["POST"])
def create_registration(slug: str) -> Response:
    request = bp.current_request
    lang = language(request)
    with _keyed():
        outcome = registration.register(slug, _as_form(json_body(request)), lang, header_key(request))
    if outcome.in_progress:
        raise RequestInProgress()
    sent = outcome.submitted
    # the same answer for a new registration and an address registered already: the personal link
    # (and whatever it shows) goes only to the address, so whoever typed it learns nothing more
    detail = (
        _(
            "We konden de e-mail met de persoonlijke link nu niet sturen. Stuur de aanmelding over een paar minuten opnieuw."
        )
        if outcome.mail_failed
        else _("De persoonlijke link is per e-mail onderweg naar het opgegeven adres.")
    )
    return json_response(
        {
            "event": sent.event_slug,
            "email": sent.email,
            "name": sent.name,
            "attendance": sent.attendance,
            "mail_sent": not outcome.mail_failed,
            "detail": gettext(lang, detail),
        },
        202,
    )


@bp.route(API + "/registrations/{token}", methods=["GET"])
def get_registration(token: str) -> Response:
    reg, event, position = registration.find(token)
    return json_response(
        {
            "status": reg.status,
            "event": event.slug,
            "name": reg.name,
            "attendance": reg.attendance,
            "waiting_position": position,
        }
    )


@bp.route(API + "/registrations/{token}", methods=["DELETE"])
def cancel_registration(token: str) -> Response:
    with _keyed():
        reg = moves.cancel(token, header_key(bp.current_request))
    return json_response({"status": reg.status})


@bp.route(API + "/openapi.json", methods=["GET"])
def openapi() -> Response:
    return json_response(document())


@bp.route(API, methods=["GET"])
def index() -> Response:
    """What the API holds, for a person or client starting at its root: the OpenAPI document (RFC 8631's
    `service-desc`) and each of its resources, read from that document so that the two never differ.
    The root itself is not in the document: as an OpenAPI path it would be /api/v1/, which the
    API Design Rules forbid (no trailing slash)."""
    described = document()
    root = described["servers"][0]["url"]
    return json_response(
        {
            "title": described["info"]["title"],
            "version": described["info"]["version"],
            "_links": {
                "self": {"href": root},
                "service-desc": {"href": f"{root}/openapi.json", "type": "application/vnd.oai.openapi+json"},
            },
            "resources": [
                {
                    "href": f"{root}{path}",
                    "templated": "{" in path,
                    "methods": {method.upper(): operation["summary"] for method, operation in operations.items()},
                }
                for path, operations in described["paths"].items()
            ],
        }
    )


# The paths of the API before its version was in them: a permanent redirect to /api/v1 for one release.
_UNVERSIONED = {
    "/api/events": ["GET"],
    "/api/kennisbank": ["GET"],
    "/api/events/{slug}": ["GET"],
    "/api/events/{slug}/registrations": ["POST"],
    "/api/registrations/{token}": ["GET", "DELETE"],
    "/api/openapi.json": ["GET"],
}


def moved_to_v1(**_params: str) -> Response:
    request = bp.current_request
    path = request_path(request)
    query: dict[str, str] = dict(request.query_params or {})
    target = API + path.removeprefix("/api") + (f"?{urlencode(list(query.items()))}" if query else "")
    response = redirect(target)
    response.status_code = 308  # permanent, and the method and body stay as they were
    return response


for _path, _methods in _UNVERSIONED.items():
    bp.route(_path, methods=_methods)(moved_to_v1)

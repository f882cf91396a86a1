"""/beheer/bijeenkomsten: organisers create and edit events and their programmes."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.errors import Conflict, InvalidInput, NotFound
from chalicelib.core.forms import FieldError
from chalicelib.core.themes import THEMES
from chalicelib.events import workspace as event_admin
from chalicelib.events.forms import EVENT_FORM, event_values, slot_values
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten"
_EVENT_FORM = {"event_form": EVENT_FORM, "themes": THEMES}


def _position(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 1000:
        raise NotFound()
    return int(text)


@bp.route(BASE, methods=["GET"])
@requires(bp, "organiser")
def event_list() -> Response:
    return page(bp.current_request, "admin_events.html", events=event_admin.all_events())


@bp.route(f"{BASE}/nieuw", methods=["GET"])
@requires(bp, "organiser")
def new_event() -> Response:
    return page(bp.current_request, "admin_event_new.html", values={"capacity": "60"}, errors={}, **_EVENT_FORM)


@bp.route(BASE, methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def create_event() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        event = event_admin.create(current_account(request), data)
    except InvalidInput as invalid:
        return page(
            request, "admin_event_new.html", status=422, values=kept(data), errors=invalid.fields, **_EVENT_FORM
        )
    return redirect(f"{BASE}/{event.slug}/programma")


def _event_page(slug: str, status: int = 200, values: dict[str, Any] | None = None, errors: Any = None) -> Response:
    event = event_admin.get(slug)
    return page(
        bp.current_request,
        "admin_event.html",
        status=status,
        event=event,
        values=values or event_values(event),
        errors=errors or {},
        **_EVENT_FORM,
    )


@bp.route(BASE + "/{slug}", methods=["GET"])
@requires(bp, "organiser")
def edit_event(slug: str) -> Response:
    return _event_page(slug)


@bp.route(BASE + "/{slug}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def update_event(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        event_admin.update(current_account(request), slug, data)
    except InvalidInput as invalid:
        return _event_page(slug, 422, kept(data), invalid.fields)
    except Conflict as stale:  # someone else saved first: show their version number, keep this input
        values = {**kept(data), "version": str(event_admin.get(slug).version)}
        return _event_page(slug, 409, values, {"version": FieldError(stale.message)})
    return redirect(f"{BASE}/{slug}?opgeslagen=1")


@bp.route(BASE + "/{slug}/status/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def change_status(slug: str, action: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    event, sent = event_admin.change_status(current_account(request), slug, action, data.get("version", ""))
    return redirect(f"{BASE}/{slug}?status={event.status}&mails={sent}")


@bp.route(BASE + "/{slug}/verwijderen", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def delete_event(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    event_admin.delete_draft(current_account(request), slug, data.get("version", ""))
    return redirect(BASE)


def _programme_page(slug: str, status: int = 200, values: dict[str, str] | None = None, errors: Any = None) -> Response:
    return page(
        bp.current_request,
        "admin_programme.html",
        status=status,
        event=event_admin.get(slug),
        values=values or {},
        errors=errors or {},
    )


@bp.route(BASE + "/{slug}/programma", methods=["GET"])
@requires(bp, "organiser")
def programme(slug: str) -> Response:
    return _programme_page(slug)


@bp.route(BASE + "/{slug}/programma", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def add_slot(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        event_admin.save_slot(current_account(request), slug, data)
    except InvalidInput as invalid:
        return _programme_page(slug, 422, kept(data), invalid.fields)
    return redirect(f"{BASE}/{slug}/programma")


def _slot_page(slug: str, position: int, status: int = 200, values: Any = None, errors: Any = None) -> Response:
    event = event_admin.get(slug)
    slot = next((s for s in event.programme if s.position == position), None)
    if slot is None:
        raise NotFound()
    return page(
        bp.current_request,
        "admin_slot.html",
        status=status,
        event=event,
        slot=slot,
        values=values or {**slot_values(slot), "version": str(event.version)},
        errors=errors or {},
    )


@bp.route(BASE + "/{slug}/programma/{position}", methods=["GET"])
@requires(bp, "organiser")
def edit_slot(slug: str, position: str) -> Response:
    return _slot_page(slug, _position(position))


@bp.route(BASE + "/{slug}/programma/{position}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def update_slot(slug: str, position: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    number = _position(position)
    try:
        event_admin.save_slot(current_account(request), slug, data, number)
    except InvalidInput as invalid:
        return _slot_page(slug, number, 422, kept(data), invalid.fields)
    return redirect(f"{BASE}/{slug}/programma")


@bp.route(BASE + "/{slug}/programma/{position}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def change_slot(slug: str, position: str, action: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    event_admin.change_slot(current_account(request), slug, _position(position), action, data.get("version", ""))
    return redirect(f"{BASE}/{slug}/programma#onderdeel-{position}")

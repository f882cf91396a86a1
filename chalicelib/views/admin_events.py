"""/beheer/bijeenkomsten: organisers create and edit events and their programmes."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.forms import FieldError, whole_number
from chalicelib.core.paging import Page
from chalicelib.core.rendering import gettext
from chalicelib.core.themes import themes
from chalicelib.events import group_meetings
from chalicelib.events import workspace as event_admin
from chalicelib.events.forms import (
    EVENT_FORM,
    SLOT_FORM,
    WORKSHOP_ROW,
    event_values,
    slot_values,
    workshop_field,
    workshop_rows,
    workshops_open,
)
from chalicelib.events.model import EventStatus
from chalicelib.library import slides, speakers
from chalicelib.registrations import messages
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import FORM, form_post, language, page, query_params, redirect

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten"
GROUPS_TAB = "werkgroepen"  # the tab of the working groups' meetings, beside one per status


def _event_form() -> dict[str, Any]:
    """What the event form shows besides the event: its fields, and the network's themes."""
    return {"event_form": EVENT_FORM, "themes": themes()}


_SLOT_FORM: dict[str, Any] = {
    "slot_form": SLOT_FORM,
    "workshop_row": WORKSHOP_ROW,
    "workshop_field": workshop_field,
    "workshop_rows": workshop_rows,
    "workshops_open": workshops_open,
}


def _position(text: str) -> int:
    number = whole_number(text)
    if number is None or not 0 < number < 1000:
        raise NotFound()
    return number


@bp.route(BASE, methods=["GET"])
@requires(bp, Access.ORGANISER)
def event_list() -> Response:
    query = query_params(bp.current_request)
    if query.get("status") == GROUPS_TAB:  # no list of a status holds the working groups' meetings
        meetings, titles = group_meetings.of_groups()
        listing = Page(meetings, None)
        return page(bp.current_request, "admin_events.html", shown=GROUPS_TAB, events=listing, group_titles=titles)
    status, events = event_admin.events_page(query)
    return page(bp.current_request, "admin_events.html", shown=status, events=events)


def _new_event_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return page(bp.current_request, "admin_event_new.html", values=values, errors=errors, **_event_form())


@bp.route(f"{BASE}/nieuw", methods=["GET"])
@requires(bp, Access.ORGANISER)
def new_event() -> Response:
    return _new_event_page({"capacity": "60"}, {})


@bp.route(BASE, methods=["POST"], content_types=FORM)
@requires(bp, Access.ORGANISER)
@form_post(bp, on_invalid=_new_event_page)
def create_event(form: dict[str, str]) -> Response:
    event = event_admin.create(signed_in(bp.current_request), form)
    return redirect(f"{BASE}/{event.slug}/programma")


def _event_page(slug: str, values: dict[str, str], errors: dict[str, FieldError], status: int = 200) -> Response:
    event = event_admin.get(slug)
    return page(
        bp.current_request,
        "admin_event.html",
        status=status,
        event=event,
        values=values or event_values(event),
        errors=errors,
        **_event_form(),
    )


@form_page(bp, BASE + "/{slug}", _event_page, Access.ORGANISER)
def update_event(form: dict[str, str], slug: str) -> Response:
    action = form.get("status", "")  # a status button above the form: saved and changed together
    try:
        event, changes = event_admin.update(signed_in(bp.current_request), slug, form, action)
    except Conflict as stale:  # someone else saved first: show their version number, keep this input
        values = {**form, "version": str(event_admin.get(slug).version)}
        return _event_page(slug, values, {"version": FieldError(stale.message)}, status=409)
    slides.follow_event(event)  # the library follows the saved event (events know no materials)
    if messages.reached(event, changes):  # a new time, place or link that people with a seat should hear of
        return redirect(f"{BASE}/{slug}/wijziging-mailen?over={','.join(changes)}")
    return redirect(f"{BASE}/{slug}?opgeslagen=1" + (f"&status={event.status}" if action else ""))


@bp.route(BASE + "/{slug}/wijziging-mailen", methods=["GET"])
@requires(bp, Access.ORGANISER)
def change_notice(slug: str) -> Response:
    """After a saved change to the time, place or link: the mail it would send and whom it reaches."""
    changes = event_admin.parse_changes(query_params(bp.current_request).get("over", ""))
    if not changes:
        return redirect(f"{BASE}/{slug}")
    return _change_notice_page(slug, changes)


def _change_notice_page(
    slug: str, changes: tuple[event_admin.MeetingChange, ...], outdated: event_admin.OutdatedNotice | None = None
) -> Response:
    """The mail a change notice would send, and whom it reaches; after `outdated`, shown again as it is now."""
    lang = language(bp.current_request)
    return page(
        bp.current_request,
        "admin_event_change.html",
        status=outdated.status if outdated else 200,
        notice=messages.change_notice(event_admin.get(slug), changes, lang),
        outdated=gettext(lang, outdated.message) if outdated else "",
    )


@form_action(bp, BASE + "/{slug}/wijziging-mailen", Access.ORGANISER)
def mail_change(form: dict[str, str], slug: str) -> Response:
    changes = event_admin.parse_changes(form.get("over", ""))
    try:
        _event, job = event_admin.mail_change(signed_in(bp.current_request), slug, changes, form.get("version", ""))
    except event_admin.OutdatedNotice as outdated:
        # not a dead end: the same notice again, as the mail would be now, to confirm once more
        return _change_notice_page(slug, changes, outdated)
    return redirect(f"/beheer/verzendingen/{job.id}")


@bp.route(BASE + "/{slug}/status/annuleren", methods=["GET"])
@requires(bp, Access.ORGANISER)
def confirm_cancel(slug: str) -> Response:
    """Cancelling mails everyone and cannot be undone: asked once more, with who will hear of it."""
    event = event_admin.get(slug)
    if event.status == EventStatus.CANCELLED:
        return redirect(f"{BASE}/{slug}")
    return page(bp.current_request, "admin_event_cancel.html", event=event)


@bp.route(BASE + "/{slug}/verwijderen", methods=["GET"])
@requires(bp, Access.ORGANISER)
def confirm_delete(slug: str) -> Response:
    return page(bp.current_request, "admin_event_delete.html", event=event_admin.get(slug))


@form_action(bp, BASE + "/{slug}/status/{action}", Access.ORGANISER)
def change_status(form: dict[str, str], slug: str, action: str) -> Response:
    return _change_status(form, slug, action)


# the path has a page of its own (the question above), so its POST is declared on it too:
# API Gateway sends a request to a fixed path segment before one with a variable
@form_action(bp, BASE + "/{slug}/status/annuleren", Access.ORGANISER)
def cancel(form: dict[str, str], slug: str) -> Response:
    return _change_status(form, slug, "annuleren")


def _change_status(form: dict[str, str], slug: str, action: str) -> Response:
    event, job = event_admin.change_status(signed_in(bp.current_request), slug, action, form.get("version", ""))
    followed = f"&verzending={job.id}" if job else ""
    return redirect(f"{BASE}/{slug}?status={event.status}{followed}")


@form_action(bp, BASE + "/{slug}/verwijderen", Access.ORGANISER)
def delete_event(form: dict[str, str], slug: str) -> Response:
    event_admin.delete_draft(signed_in(bp.current_request), slug, form.get("version", ""))
    return redirect(BASE)


def _programme_page(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    event = event_admin.get(slug)
    return page(
        bp.current_request,
        "admin_programme.html",
        event=event,
        uninvited=speakers.uninvited(event, speakers.of_event(slug)),  # who gets an "invite" link
        **_SLOT_FORM,
        values=values,
        errors=errors,
    )


@form_page(bp, BASE + "/{slug}/programma", _programme_page, Access.ORGANISER)
def add_slot(form: dict[str, str], slug: str) -> Response:
    event_admin.save_slot(signed_in(bp.current_request), slug, form)
    return redirect(f"{BASE}/{slug}/programma")


def _slot_page(slug: str, position: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    event = event_admin.get(slug)
    slot = next((s for s in event.programme if s.position == _position(position)), None)
    if slot is None:
        raise NotFound()
    values = values or {**slot_values(slot), "version": str(event.version)}
    return page(
        bp.current_request,
        "admin_slot.html",
        event=event,
        slot=slot,
        **_SLOT_FORM,
        values=values,
        errors=errors,
    )


@form_page(bp, BASE + "/{slug}/programma/{position}", _slot_page, Access.ORGANISER)
def update_slot(form: dict[str, str], slug: str, position: str) -> Response:
    event_admin.save_slot(signed_in(bp.current_request), slug, form, _position(position))
    return redirect(f"{BASE}/{slug}/programma")


@form_action(bp, BASE + "/{slug}/programma/{position}/{action}", Access.ORGANISER)
def change_slot(form: dict[str, str], slug: str, position: str, action: str) -> Response:
    version = form.get("version", "")
    event_admin.change_slot(signed_in(bp.current_request), slug, _position(position), action, version)
    return redirect(f"{BASE}/{slug}/programma#onderdeel-{position}")

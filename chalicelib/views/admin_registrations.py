"""/beheer/bijeenkomsten/{slug}/...: an event's registrations, check-in, overview, message (export: admin_exports)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import clock
from chalicelib.core.errors import NotFound
from chalicelib.core.forms import FieldError
from chalicelib.events import workspace as event_admin
from chalicelib.registrations import attendance, certificates, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.lifecycle import Actor, move
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import form_key, one_time_key, page, query_params, redirect

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten/{slug}"


def _query() -> dict[str, str]:
    return query_params(bp.current_request)


@bp.route(f"{BASE}/aanmeldingen", methods=["GET"])
@requires(bp, Access.ORGANISER)
def registrations(slug: str) -> Response:
    event = event_admin.get(slug)
    return page(
        bp.current_request,
        "admin_registrations.html",
        event=event,
        listing=attendance.listing(slug, _query()),
        statuses=attendance.STATUSES,
        moves_of=lambda reg: moves.offered_in_list(event, reg),
    )


@bp.route(BASE + "/aanmeldingen/{key}/{action}", methods=["GET"])
@requires(bp, Access.ORGANISER)
def confirm_move(slug: str, key: str, action: str) -> Response:
    """A move that takes away someone's seat, and mails them, is asked once more."""
    chosen = move(Actor.ORGANISER, action)
    if chosen is None or chosen.confirm is None:
        raise NotFound()
    reg = registration.by_key(slug, key)
    if reg.standing not in chosen.sources:
        return redirect(f"/beheer/bijeenkomsten/{slug}/aanmeldingen")
    event = event_admin.get(slug)
    return page(bp.current_request, "admin_registration_confirm.html", event=event, registration=reg, move=chosen)


@form_action(bp, BASE + "/aanmeldingen/{key}/{action}", Access.ORGANISER)
def registration_action(form: dict[str, str], slug: str, key: str, action: str) -> Response:
    organiser = signed_in(bp.current_request)
    if action in ("workshop-aanwezig", "workshop-afwezig"):  # at a workshop's door: the standing stays
        workshop = form.get("workshop", "")
        event = event_admin.get(slug)
        reg = attendance.check_in_workshop(organiser, event, key, workshop, attended=action == "workshop-aanwezig")
        return redirect(f"/beheer/bijeenkomsten/{slug}/inchecken?workshop={workshop}&gedaan={reg.key}#inchecken")
    reg = moves.by_organiser(organiser, slug, key, action)
    chosen = move(Actor.ORGANISER, action)
    if chosen is not None and chosen.at_the_door:
        return redirect(f"/beheer/bijeenkomsten/{slug}/inchecken?gedaan={reg.key}#inchecken")
    return redirect(f"/beheer/bijeenkomsten/{slug}/aanmeldingen")


@bp.route(f"{BASE}/inchecken", methods=["GET"])
@requires(bp, Access.ORGANISER)
def check_in(slug: str) -> Response:
    event = event_admin.get(slug)
    query = _query()
    # at one workshop's door, by the workshop key its link names (anything else: the meeting's door)
    key = query.get("workshop", "")
    workshop = event.workshop(key)
    template = "admin_checkin_workshop.html" if workshop else "admin_checkin.html"
    shown: dict[str, Any] = {
        "event": event,
        "key": key,
        "workshop": workshop,
        "certificates_ready": certificates.ended(event),
    }
    if not event.check_in_open(clock.now()):  # the page says when it opens, and reads nobody
        return page(bp.current_request, template, check_in_open=False, **shown)
    done = attendance.checked(slug, query.get("gedaan", ""))
    if workshop:
        holders, present, complete = attendance.at_workshop(slug, key)
        return page(
            bp.current_request,
            template,
            check_in_open=True,
            registrations=holders,
            present=present,
            complete=complete,
            done=done,
            **shown,
        )
    listing = attendance.check_in_listing(slug, query)
    return page(
        bp.current_request,
        template,
        check_in_open=True,
        listing=listing,
        done=done,
        present=attendance.present(slug),
        **shown,
    )


@bp.route(f"{BASE}/inchecken/openen", methods=["GET"])
@requires(bp, Access.ORGANISER)
def confirm_open_check_in(slug: str) -> Response:
    """Check-in before the meeting's day is for a meeting that starts early: asked once more."""
    event = event_admin.get(slug)
    if event.check_in_open(clock.now()):
        return redirect(f"{BASE.format(slug=slug)}/inchecken")
    return page(bp.current_request, "admin_checkin_open.html", event=event)


@form_action(bp, f"{BASE}/inchecken/openen", Access.ORGANISER)
def open_check_in(form: dict[str, str], slug: str) -> Response:
    attendance.open_check_in_early(signed_in(bp.current_request), event_admin.get(slug))
    return redirect(f"{BASE.format(slug=slug)}/inchecken#inchecken")


@bp.route(f"{BASE}/presentielijst", methods=["GET"])
@requires(bp, Access.ORGANISER)
def attendance_list(slug: str) -> Response:
    event = event_admin.get(slug)
    # one workshop's list, by the workshop key its link names (anything else: the whole meeting's)
    wanted = query_params(bp.current_request).get("workshop", "")
    workshop = event.workshop(wanted)  # its round and workshop, whose times and room the list shows
    found, complete = attendance.print_list(slug, wanted if workshop else "")
    return page(
        bp.current_request,
        "admin_attendance_list.html",
        event=event,
        registrations=found,
        complete=complete,
        workshop=workshop,
    )


@bp.route(f"{BASE}/overzicht", methods=["GET"])
@requires(bp, Access.ORGANISER)
def overview(slug: str) -> Response:
    event = event_admin.get(slug)
    return page(bp.current_request, "admin_overview.html", event=event, overview=attendance.overview(slug))


def _message_page(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    event = event_admin.get(slug)
    return page(
        bp.current_request, "admin_message.html", event=event, values=values, errors=errors, form_key=form_key(values)
    )


@form_page(bp, f"{BASE}/bericht", _message_page, Access.ORGANISER)
def send_message(form: dict[str, str], slug: str) -> Response:
    key = one_time_key(form)  # sent twice: one job, and the same page
    job = attendance.message(signed_in(bp.current_request), event_admin.get(slug), form, key)
    return redirect(f"/beheer/verzendingen/{job.id}")

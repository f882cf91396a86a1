"""/beheer/bijeenkomsten/{slug}/...: an event's registrations, check-in, export, overview, message."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.errors import InvalidInput, NotFound
from chalicelib.events import workspace as event_admin
from chalicelib.registrations import attendance
from chalicelib.registrations import service as registration
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten/{slug}"


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


@bp.route(f"{BASE}/aanmeldingen", methods=["GET"])
@requires(bp, "organiser")
def registrations(slug: str) -> Response:
    event = event_admin.get(slug)
    found, q, status = attendance.listing(slug, _query())
    return page(
        bp.current_request,
        "admin_registrations.html",
        event=event,
        registrations=found,
        q=q,
        status_filter=status,
        statuses=attendance.STATUSES,
        status_of=attendance.status_of,
    )


@bp.route(BASE + "/aanmeldingen/{key}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def registration_action(slug: str, key: str, action: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    organiser = current_account(request)
    if action == "promoveren":
        registration.promote(organiser, slug, key)
    elif action == "annuleren":
        registration.cancel_by_organiser(organiser, slug, key)
    elif action in ("aanwezig", "afwezig"):
        reg = attendance.check_in(organiser, slug, key, attended=action == "aanwezig")
        return redirect(f"/beheer/bijeenkomsten/{slug}/inchecken?gedaan={reg.key}#inchecken")
    else:
        raise NotFound()
    return redirect(f"/beheer/bijeenkomsten/{slug}/aanmeldingen")


@bp.route(f"{BASE}/aanmeldingen.csv", methods=["GET"])
@requires(bp, "organiser")
def export(slug: str) -> Response:
    event_admin.get(slug)
    return Response(
        attendance.export_csv(slug),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="aanmeldingen-{slug}.csv"',
        },
    )


@bp.route(f"{BASE}/inchecken", methods=["GET"])
@requires(bp, "organiser")
def check_in(slug: str) -> Response:
    event = event_admin.get(slug)
    query = _query()
    found, q, _status = attendance.listing(slug, {"q": query.get("q", ""), "status": "confirmed"})
    done = next((r for r in found if r.key == query.get("gedaan")), None)
    return page(bp.current_request, "admin_checkin.html", event=event, registrations=found, q=q, done=done)


@bp.route(f"{BASE}/presentielijst", methods=["GET"])
@requires(bp, "organiser")
def attendance_list(slug: str) -> Response:
    event = event_admin.get(slug)
    found, _q, _status = attendance.listing(slug, {"status": "confirmed"})
    return page(bp.current_request, "admin_attendance_list.html", event=event, registrations=found)


@bp.route(f"{BASE}/overzicht", methods=["GET"])
@requires(bp, "organiser")
def overview(slug: str) -> Response:
    event = event_admin.get(slug)
    return page(bp.current_request, "admin_overview.html", event=event, overview=attendance.overview(slug))


@bp.route(f"{BASE}/bericht", methods=["GET"])
@requires(bp, "organiser")
def message_form(slug: str) -> Response:
    event = event_admin.get(slug)
    sent = _query().get("verstuurd")
    return page(bp.current_request, "admin_message.html", event=event, values={}, errors={}, sent=sent)


@bp.route(f"{BASE}/bericht", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def send_message(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    event = event_admin.get(slug)
    try:
        sent = attendance.message(current_account(request), event, data)
    except InvalidInput as invalid:
        return page(
            request, "admin_message.html", status=422, event=event, values=kept(data), errors=invalid.fields, sent=None
        )
    return redirect(f"/beheer/bijeenkomsten/{slug}/bericht?verstuurd={sent}")

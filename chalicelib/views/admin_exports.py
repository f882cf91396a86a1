"""/beheer/exports: organisers ask for a CSV or Excel file (an event's registrations, the newsletter's subscribers),
follow it while a worker builds it, and fetch it through a short-lived link."""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access, Account
from chalicelib.core import clock
from chalicelib.events import workspace as event_admin
from chalicelib.events.model import Event
from chalicelib.exports import service as exports
from chalicelib.exports.model import Export
from chalicelib.views.auth import form_action, requires, signed_in
from chalicelib.views.http import json_response, language, page, redirect

bp = Blueprint(__name__)
BASE = "/beheer/exports"


@form_action(bp, "/beheer/bijeenkomsten/{slug}/export", Access.ORGANISER)
def of_event(form: dict[str, str], slug: str) -> Response:
    return _table_of_event(exports.of_event, form, slug)


@form_action(bp, "/beheer/bijeenkomsten/{slug}/evaluatie/export", Access.ORGANISER)
def of_evaluation(form: dict[str, str], slug: str) -> Response:
    return _table_of_event(exports.of_evaluation, form, slug)


def _table_of_event(start: Callable[[Account, Event, str, str], Export], form: dict[str, str], slug: str) -> Response:
    """Start one of an event's tables in the format the button chose, and follow it on its page."""
    request = bp.current_request
    export = start(signed_in(request), event_admin.get(slug), language(request), form.get("formaat", "csv"))
    return redirect(f"{BASE}/{export.id}")


@form_action(bp, "/beheer/bijeenkomsten/{slug}/certificaten", Access.ORGANISER)
def certificates(form: dict[str, str], slug: str) -> Response:
    request = bp.current_request
    export = exports.of_certificates(signed_in(request), event_admin.get(slug), language(request))
    return redirect(f"{BASE}/{export.id}")


@form_action(bp, "/beheer/nieuwsbrief/export", Access.ORGANISER)
def of_subscribers(form: dict[str, str]) -> Response:
    request = bp.current_request
    export = exports.of_subscribers(signed_in(request), language(request), form.get("formaat", "csv"))
    return redirect(f"{BASE}/{export.id}")


@bp.route(BASE + "/{export_id}", methods=["GET"])
@requires(bp, Access.ORGANISER)
def export_page(export_id: str) -> Response:
    export = exports.get(export_id)
    return page(bp.current_request, "admin_export.html", export=export, expired=export.expired(clock.now()))


@bp.route(BASE + "/{export_id}/status", methods=["GET"])
@requires(bp, Access.ORGANISER)
def status(export_id: str) -> Response:
    """What the export page's script polls, so it shows the file as soon as it is ready."""
    export = exports.get(export_id)
    response = json_response({"status": export.status, "rows": export.rows})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(BASE + "/{export_id}/bestand", methods=["GET"])
@requires(bp, Access.ORGANISER)
def download(export_id: str) -> Response:
    """To the file in S3 through a five-minute link; the fetch is audited."""
    url = exports.download_url(signed_in(bp.current_request), export_id)
    return redirect(url, {"Cache-Control": "no-store"})

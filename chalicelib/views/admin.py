"""/beheer: the organisers' workspace start page, accounts and roles, trusted domains,
the newsletter export and the audit log. Events, materials and news have their own modules."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import stores
from chalicelib.accounts import service as accounts
from chalicelib.core import clock
from chalicelib.core.errors import InvalidInput
from chalicelib.events import workspace as event_admin
from chalicelib.mail import newsletter
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)
AUDIT_PAGE = 50


@bp.route("/beheer", methods=["GET"])
@requires(bp, "organiser")
def workspace() -> Response:
    today = clock.now().date()
    upcoming = [e for e in event_admin.all_events() if e.date >= today]
    return page(
        bp.current_request,
        "admin_home.html",
        upcoming=sorted(upcoming, key=lambda e: (e.date, e.start)),
        pending=len(stores.accounts().by_status("pending")),
    )


@bp.route("/beheer/accounts", methods=["GET"])
@requires(bp, "organiser")
def account_list() -> Response:
    store = stores.accounts()
    return page(
        bp.current_request,
        "admin_accounts.html",
        pending=store.by_status("pending"),
        approved=store.by_status("approved"),
        disabled=store.by_status("disabled"),
    )


@bp.route("/beheer/accounts/{key}/{status}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def decide(key: str, status: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    accounts.decide(current_account(request), key, status)
    return redirect("/beheer/accounts")


@bp.route("/beheer/accounts/{key}/rol", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def change_role(key: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    accounts.set_access(current_account(request), key, data.get("access", ""))
    return redirect("/beheer/accounts")


def _domains_page(status: int = 200, values: dict[str, str] | None = None, errors: Any = None) -> Response:
    configured, added = accounts.trusted_domains()
    return page(
        bp.current_request,
        "admin_domains.html",
        status=status,
        configured=configured,
        added=added,
        values=values or {},
        errors=errors or {},
    )


@bp.route("/beheer/domeinen", methods=["GET"])
@requires(bp, "organiser")
def domains() -> Response:
    return _domains_page()


@bp.route("/beheer/domeinen", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def add_domain() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        accounts.change_trusted_domain(current_account(request), data, add=True)
    except InvalidInput as invalid:
        return _domains_page(422, kept(data), invalid.fields)
    return redirect("/beheer/domeinen")


@bp.route("/beheer/domeinen/verwijderen", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def remove_domain() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    accounts.change_trusted_domain(current_account(request), data, add=False)
    return redirect("/beheer/domeinen")


@bp.route("/beheer/logboek", methods=["GET"])
@requires(bp, "organiser")
def audit_log() -> Response:
    query = bp.current_request.query_params or {}
    month = query.get("maand") or clock.now().strftime("%Y-%m")
    entries = stores.audit().month(month, AUDIT_PAGE, query.get("na"))
    return page(bp.current_request, "admin_audit.html", month=month, entries=entries, months=_recent_months())


def _recent_months() -> list[str]:
    """This month and the 23 before it, for the month picker."""
    year, month = clock.now().year, clock.now().month
    months = []
    for _i in range(24):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _newsletter_page(status: int = 200, values: dict[str, str] | None = None, errors: Any = None) -> Response:
    query = bp.current_request.query_params or {}
    return page(
        bp.current_request,
        "admin_newsletter.html",
        status=status,
        subscribers=len(stores.accounts().subscribers()),
        values=values or {},
        errors=errors or {},
        sent=query.get("verstuurd"),
        failed=query.get("mislukt", "0"),
    )


@bp.route("/beheer/nieuwsbrief", methods=["GET"])
@requires(bp, "organiser")
def newsletter_form() -> Response:
    return _newsletter_page()


@bp.route("/beheer/nieuwsbrief", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def newsletter_send() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        sent, failed = newsletter.send_from_form(current_account(request), data)
    except InvalidInput as invalid:
        return _newsletter_page(422, kept(data), invalid.fields)
    return redirect(f"/beheer/nieuwsbrief?verstuurd={sent}&mislukt={failed}")


@bp.route("/beheer/nieuwsbrief.csv", methods=["GET"])
@requires(bp, "organiser")
def newsletter_export() -> Response:
    return Response(
        newsletter.subscribers_csv(),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="nieuwsbrief-abonnees.csv"',
            "Cache-Control": "no-store",
        },
    )

"""/beheer: the organisers' workspace start page, accounts and roles, trusted domains,
the newsletter and the audit log. Events, materials and news have their own modules."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts import newsletter
from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Access
from chalicelib.audit import service as audit
from chalicelib.core import clock
from chalicelib.core.forms import FieldError
from chalicelib.events import service as events
from chalicelib.events import workspace as event_admin
from chalicelib.events.model import EventStatus
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import page, query_params, redirect

bp = Blueprint(__name__)


@bp.route("/beheer", methods=["GET"])
@requires(bp, Access.ORGANISER)
def workspace() -> Response:
    return page(
        bp.current_request,
        "admin_home.html",
        upcoming=events.upcoming().items,
        drafts=event_admin.events_page({"status": EventStatus.DRAFT})[1],
        pending=accounts.waiting_for_approval(),
    )


@bp.route("/beheer/accounts", methods=["GET"])
@requires(bp, Access.ORGANISER)
def account_list() -> Response:
    status, found = accounts.accounts_page(query_params(bp.current_request))
    return page(bp.current_request, "admin_accounts.html", shown=status, accounts=found, statuses=accounts.LISTED)


@form_action(bp, "/beheer/accounts/{key}/{status}", Access.ORGANISER)
def decide(form: dict[str, str], key: str, status: str) -> Response:
    accounts.decide(signed_in(bp.current_request), key, status)
    return redirect("/beheer/accounts")


@form_action(bp, "/beheer/accounts/{key}/rol", Access.ORGANISER)
def change_role(form: dict[str, str], key: str) -> Response:
    accounts.set_access(signed_in(bp.current_request), key, form.get("access", ""))
    return redirect("/beheer/accounts")


def _domains_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    configured, added = accounts.trusted_domains()
    return page(
        bp.current_request,
        "admin_domains.html",
        configured=configured,
        added=added,
        values=values,
        errors=errors,
    )


@form_page(bp, "/beheer/domeinen", _domains_page, Access.ORGANISER)
def add_domain(form: dict[str, str]) -> Response:
    accounts.change_trusted_domain(signed_in(bp.current_request), form, add=True)
    return redirect("/beheer/domeinen")


@form_action(bp, "/beheer/domeinen/verwijderen", Access.ORGANISER)
def remove_domain(form: dict[str, str]) -> Response:
    accounts.change_trusted_domain(signed_in(bp.current_request), form, add=False)
    return redirect("/beheer/domeinen")


@bp.route("/beheer/logboek", methods=["GET"])
@requires(bp, Access.ORGANISER)
def audit_log() -> Response:
    query = query_params(bp.current_request)
    month = query.get("maand") or clock.now().strftime("%Y-%m")
    entries = audit.month(month, query.get("na"))
    return page(bp.current_request, "admin_audit.html", month=month, entries=entries, months=audit.recent_months())


def _newsletter_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return page(
        bp.current_request,
        "admin_newsletter.html",
        subscribers=newsletter.subscriber_count(),
        values=values,
        errors=errors,
    )


@form_page(bp, "/beheer/nieuwsbrief", _newsletter_page, Access.ORGANISER)
def newsletter_send(form: dict[str, str]) -> Response:
    job = newsletter.send_from_form(signed_in(bp.current_request), form)
    return redirect(f"/beheer/verzendingen/{job.id}")

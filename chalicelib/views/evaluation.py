"""A meeting's evaluation: the attendee's form behind their personal link, and the organisers' results
(their export is in admin_exports)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core.forms import FieldError
from chalicelib.evaluations import service as evaluations
from chalicelib.views.auth import form_action, requires, signed_in
from chalicelib.views.http import FORM, form_post, page, redirect

bp = Blueprint(__name__)


def _form_page(token: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return page(bp.current_request, "evaluation.html", evaluation=evaluations.form(token), values=values, errors=errors)


@bp.route("/r/{token}/evaluatie", methods=["GET"])
def evaluation_form(token: str) -> Response:
    return _form_page(token, {}, {})


@bp.route("/r/{token}/evaluatie", methods=["POST"], content_types=FORM)
@form_post(bp, on_invalid=_form_page)
def submit(form: dict[str, str], token: str) -> Response:
    evaluations.submit(token, form)
    return redirect(f"/r/{token}/evaluatie")


@bp.route("/beheer/bijeenkomsten/{slug}/evaluatie/sluiten", methods=["GET"])
@requires(bp, Access.ORGANISER)
def confirm_close(slug: str) -> Response:
    """Closing ends the answering for good: asked once more, with how many answered."""
    results = evaluations.results(slug)
    if results.event.evaluation_opened_at is None or results.visible:
        return redirect(f"/beheer/bijeenkomsten/{slug}/evaluatie")
    return page(bp.current_request, "admin_evaluation_close.html", event=results.event, results=results)


@form_action(bp, "/beheer/bijeenkomsten/{slug}/evaluatie/sluiten", Access.ORGANISER)
def close(form: dict[str, str], slug: str) -> Response:
    evaluations.close(signed_in(bp.current_request), slug)
    return redirect(f"/beheer/bijeenkomsten/{slug}/evaluatie")


@bp.route("/beheer/bijeenkomsten/{slug}/evaluatie", methods=["GET"])
@requires(bp, Access.ORGANISER)
def results(slug: str) -> Response:
    results = evaluations.results(slug)
    return page(bp.current_request, "admin_evaluation.html", event=results.event, results=results)

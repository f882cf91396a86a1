"""/beheer/bijeenkomsten/{slug}/vragen: the questions a meeting's registration form asks besides the fixed fields."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core.forms import FieldError
from chalicelib.events import questions
from chalicelib.views.auth import form_action, form_page, signed_in
from chalicelib.views.http import page, redirect

bp = Blueprint(__name__)
BASE = "/beheer/bijeenkomsten/{slug}/vragen"


def _list_page(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    listing = questions.listing(slug)
    return page(
        bp.current_request,
        "admin_questions.html",
        event=listing.event,
        answered=listing.answered,
        values=values or {"kind": "short", "audience": "everyone"},
        errors=errors,
        question_form=questions.QUESTION_FORM,
    )


@form_page(bp, BASE, _list_page, Access.ORGANISER)
def add(form: dict[str, str], slug: str) -> Response:
    questions.save(signed_in(bp.current_request), slug, form)
    return redirect(f"/beheer/bijeenkomsten/{slug}/vragen")


def _edit_page(slug: str, question_id: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    editing = questions.editing(slug, question_id)
    return page(
        bp.current_request,
        "admin_question.html",
        event=editing.event,
        question=editing.question,
        kind_fixed=editing.answered,
        values=values or editing.values,
        errors=errors,
        question_form=questions.QUESTION_FORM,
    )


@form_page(bp, BASE + "/{question_id}", _edit_page, Access.ORGANISER)
def save(form: dict[str, str], slug: str, question_id: str) -> Response:
    questions.save(signed_in(bp.current_request), slug, form, questions.parse_id(question_id))
    return redirect(f"/beheer/bijeenkomsten/{slug}/vragen")


@form_action(bp, BASE + "/{question_id}/verwijderen", Access.ORGANISER)
def remove(form: dict[str, str], slug: str, question_id: str) -> Response:
    questions.remove(signed_in(bp.current_request), slug, questions.parse_id(question_id), form.get("version", ""))
    return redirect(f"/beheer/bijeenkomsten/{slug}/vragen")

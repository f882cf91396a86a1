"""/beheer/nieuws: organisers write, schedule, edit and remove news articles."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import clock
from chalicelib.core.forms import FieldError
from chalicelib.news import service as news
from chalicelib.views.auth import form_action, form_page, signed_in
from chalicelib.views.http import page, query_params, redirect

bp = Blueprint(__name__)


def _list_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    articles = news.all_articles(query_params(bp.current_request).get("na") or None)
    return page(bp.current_request, "admin_news.html", articles=articles, values=values, errors=errors, now=clock.now())


@form_page(bp, "/beheer/nieuws", _list_page, Access.ORGANISER)
def news_create(form: dict[str, str]) -> Response:
    news.write(signed_in(bp.current_request), form)
    return redirect("/beheer/nieuws")


def _edit_page(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    article = news.get(slug)
    values = values or news.form_values(article)
    return page(bp.current_request, "admin_news_edit.html", article=article, values=values, errors=errors)


@form_page(bp, "/beheer/nieuws/{slug}", _edit_page, Access.ORGANISER)
def news_update(form: dict[str, str], slug: str) -> Response:
    news.write(signed_in(bp.current_request), form, slug=slug)
    return redirect("/beheer/nieuws")


@form_action(bp, "/beheer/nieuws/{slug}/verwijderen", Access.ORGANISER)
def news_delete(form: dict[str, str], slug: str) -> Response:
    news.remove(signed_in(bp.current_request), slug)
    return redirect("/beheer/nieuws")

"""/beheer/nieuws: organisers write, schedule, edit and remove news articles."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import stores
from chalicelib.core import clock
from chalicelib.core.errors import InvalidInput, NotFound
from chalicelib.news import service as news
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)


@bp.route("/beheer/nieuws", methods=["GET"])
@requires(bp, "organiser")
def news_admin() -> Response:
    return page(
        bp.current_request, "admin_news.html", articles=stores.news().all(), values={}, errors={}, now=clock.now()
    )


@bp.route("/beheer/nieuws", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def news_create() -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        news.write(current_account(request), data)
    except InvalidInput as invalid:
        return page(
            request,
            "admin_news.html",
            status=422,
            articles=stores.news().all(),
            values=kept(data),
            errors=invalid.fields,
            now=clock.now(),
        )
    return redirect("/beheer/nieuws")


@bp.route("/beheer/nieuws/{slug}", methods=["GET"])
@requires(bp, "organiser")
def news_edit(slug: str) -> Response:
    article = stores.news().get(slug)
    if article is None:
        raise NotFound()
    values = {
        "title": article.title,
        "body": article.body,
        "published_at": article.published_at.strftime("%Y-%m-%dT%H:%M"),
    }
    return page(bp.current_request, "admin_news_edit.html", article=article, values=values, errors={})


@bp.route("/beheer/nieuws/{slug}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def news_update(slug: str) -> Response:
    request = bp.current_request
    data = form_data(request)
    require_csrf(request, data)
    try:
        news.write(current_account(request), data, slug=slug)
    except InvalidInput as invalid:
        article = stores.news().get(slug)
        return page(
            request, "admin_news_edit.html", status=422, article=article, values=kept(data), errors=invalid.fields
        )
    return redirect("/beheer/nieuws")


@bp.route("/beheer/nieuws/{slug}/verwijderen", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def news_delete(slug: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    news.remove(current_account(request), slug)
    return redirect("/beheer/nieuws")

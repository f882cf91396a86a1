"""/nieuws: the news list, articles and the Atom feed."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.core import config, richtext, tenancy
from chalicelib.core.rendering import render
from chalicelib.news import service as news
from chalicelib.views.http import language, page, query_params

bp = Blueprint(__name__)


@bp.route("/nieuws", methods=["GET"])
def news_list() -> Response:
    articles = news.published(cursor=query_params(bp.current_request).get("na") or None)
    return page(bp.current_request, "news_list.html", articles=articles)


@bp.route("/nieuws.atom", methods=["GET"])
def feed() -> Response:
    articles = news.published(limit=20).items
    lang = language(bp.current_request)
    body = render(
        "news.atom.xml",
        lang,
        articles=articles,
        network_name=tenancy.current().title_in(lang),
        base_url=config.base_url(),
        render_body=richtext.render,
    )
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/atom+xml; charset=utf-8",
        "Cache-Control": "public, max-age=600",
        # its words follow the visitor's language: a shared cache keeps a copy per language
        "Vary": "Accept-Language, Cookie",
    }
    return Response(body, headers=headers)


@bp.route("/nieuws/{slug}", methods=["GET"])
def article(slug: str) -> Response:
    item = news.get_published(slug)
    return page(bp.current_request, "news_article.html", article=item, body=richtext.render(item.body))

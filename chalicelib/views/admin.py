"""/beheer: organisers only. For now the account requests and the newsletter export;
the organiser-workspace issue completes it."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import accounts, clock, library, news, newsletter, stores
from chalicelib.errors import InvalidInput, NotFound
from chalicelib.views.auth import requires
from chalicelib.views.http import FORM, current_account, form_data, kept, page, redirect, require_csrf

bp = Blueprint(__name__)


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


@bp.route("/beheer/materialen", methods=["GET"])
@requires(bp, "organiser")
def materials() -> Response:
    return page(bp.current_request, "admin_materials.html", materials=stores.library().all_materials(), now=clock.now())


@bp.route("/beheer/materialen/{material_id}/{action}", methods=["POST"], content_types=FORM)
@requires(bp, "organiser")
def publish(material_id: str, action: str) -> Response:
    request = bp.current_request
    require_csrf(request, form_data(request))
    if action not in ("publiceren", "intrekken"):
        raise NotFound()
    library.set_published(current_account(request), material_id, action == "publiceren")
    return redirect("/beheer/materialen")


@bp.route("/beheer/materialen/{material_id}/downloads", methods=["GET"])
@requires(bp, "organiser")
def downloads(material_id: str) -> Response:
    material = stores.library().material(material_id)
    if material is None:
        raise NotFound()
    return page(
        bp.current_request, "admin_downloads.html", material=material, downloads=stores.library().downloads(material_id)
    )


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

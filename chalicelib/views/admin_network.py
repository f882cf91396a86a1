"""/beheer/netwerk: the network's own name, description, colours, contacts, retention period and logo."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import tenancy
from chalicelib.core.forms import FieldError
from chalicelib.core.rendering import gettext
from chalicelib.networks import logo
from chalicelib.networks import service as networks
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import language, page, query_params, redirect, with_upload_form

bp = Blueprint(__name__)


def _settings_page(values: dict[str, str], errors: dict[str, FieldError], logo_message: str = "") -> Response:
    network = tenancy.current()
    settings = networks.settings_of(network)
    stored = {key: str(value) for key, value in settings.items() if key not in ("hosts", "themes")}
    stored["themes"] = "\n".join(settings["themes"])  # one a line, as the form takes them
    upload = logo.upload_form()
    response = page(
        bp.current_request,
        "admin_network.html",
        values=values or stored,
        errors=errors,
        palettes=networks.PALETTES,
        hosts=network.hosts,
        sender=network.sender,
        limits=networks.RETENTION_DAYS,
        upload=upload,
        logo_max_bytes=logo.MAX_BYTES,
        logo_sides=logo.SIDES,
        logo_message=logo_message,
        logo_done=query_params(bp.current_request).get("logo", ""),
    )
    return with_upload_form(response, upload.url)


@form_page(bp, "/beheer/netwerk", _settings_page, Access.ORGANISER)
def save_settings(form: dict[str, str]) -> Response:
    networks.save_settings(signed_in(bp.current_request).email, form)
    return redirect("/beheer/netwerk?opgeslagen=1")


@bp.route("/beheer/netwerk/logo", methods=["GET"])
@requires(bp, Access.ORGANISER)
def finish_logo() -> Response:
    """Where S3 sends the browser back (plain form), or upload.js goes after its upload."""
    request = bp.current_request
    try:
        logo.finish_upload(signed_in(request).email, query_params(request).get("key", ""))
    except logo.LogoRefused as refused:
        response = _settings_page({}, {}, gettext(language(request), refused.msgid, **refused.params))
        response.status_code = 422
        return response
    return redirect("/beheer/netwerk?logo=opgeslagen")


@form_action(bp, "/beheer/netwerk/logo/verwijderen", Access.ORGANISER)
def remove_logo(form: dict[str, str]) -> Response:
    logo.remove(signed_in(bp.current_request).email)
    return redirect("/beheer/netwerk?logo=verwijderd")

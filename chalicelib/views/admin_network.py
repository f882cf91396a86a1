"""/beheer/netwerk: the network's own name, description, colours, contacts and retention period."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts.model import Access
from chalicelib.core import tenancy
from chalicelib.core.forms import FieldError
from chalicelib.networks import service as networks
from chalicelib.views.auth import form_page, signed_in
from chalicelib.views.http import page, redirect

bp = Blueprint(__name__)


def _settings_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    network = tenancy.current()
    settings = networks.settings_of(network)
    stored = {key: str(value) for key, value in settings.items() if key not in ("hosts", "themes")}
    stored["themes"] = "\n".join(settings["themes"])  # one a line, as the form takes them
    return page(
        bp.current_request,
        "admin_network.html",
        values=values or stored,
        errors=errors,
        palettes=networks.PALETTES,
        hosts=network.hosts,
        sender=network.sender,
        limits=networks.RETENTION_DAYS,
    )


@form_page(bp, "/beheer/netwerk", _settings_page, Access.ORGANISER)
def save_settings(form: dict[str, str]) -> Response:
    networks.save_settings(signed_in(bp.current_request).email, form)
    return redirect("/beheer/netwerk?opgeslagen=1")

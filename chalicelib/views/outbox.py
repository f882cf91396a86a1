"""/outbox: the mails sent so far, on the local stage only."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.mail import outbox
from chalicelib.views.http import page

bp = Blueprint(__name__)


@bp.route("/outbox", methods=["GET"])
def show_outbox() -> Response:
    return page(bp.current_request, "outbox.html", mails=outbox.messages())

"""/logo/{name}: a network's logo, from the portal's own address (the bucket stays private, and a page
makes no request to another origin). Its name is a hash of its content, so it is kept for a year."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.networks import logo

bp = Blueprint(__name__)


@bp.route("/logo/{name}", methods=["GET"])
def network_logo(name: str) -> Response:
    content, content_type = logo.read(name)
    return Response(
        content, headers={"Content-Type": content_type, "Cache-Control": "public, max-age=31536000, immutable"}
    )

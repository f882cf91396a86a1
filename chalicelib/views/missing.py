"""Every address that no other route answers: the portal's 404 page (problem details under /api/).

API Gateway sends a path to the greedy route only when no other route matches it, so it shadows
none; devtools/localgateway.py gives `chalice local` and the test client the same rule. What no
route takes at all (another method on an unknown path) gets the same 404: views/errors.py turns
the catch-all's 405 into it, and the deployed stack maps API Gateway's own answer
(MISSING_AUTHENTICATION_TOKEN) to a 404 as well (infra/resources.json).
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.core.errors import NotFound

bp = Blueprint(__name__)

CATCH_ALL = "/{proxy+}"


@bp.route(CATCH_ALL, methods=["GET", "HEAD"])
def not_found() -> Response:
    raise NotFound()

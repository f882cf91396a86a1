"""Schemathesis against the portal's own OpenAPI document, over real HTTP
(`chalice local` on moto server): whatever a client sends, the answer is one
the document describes, with the documented shape, and never a 500."""

from __future__ import annotations

import schemathesis
from chalice.local import ChaliceRequestHandler
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import positive_data_acceptance

from chalicelib.core import tenancy
from chalicelib.views.openapi import document
from tests.support.aws import local_network
from tests.support.live import LivePortal

# the same document /api/v1/openapi.json serves (test_api checks that it is served and valid); made at
# collection, before any fixture has entered the default network
with tenancy.within(local_network()):
    schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, portal: LivePortal):
    # Methods that chalice local's http.server cannot handle (TRACE, QUERY ...) never
    # reach the app: it answers 501 itself, as API Gateway refuses them. Every method
    # it passes on (GET, PUT, POST, HEAD, DELETE, PATCH, OPTIONS) is checked.
    assume(hasattr(ChaliceRequestHandler, f"do_{case.method}"))
    # A page cursor is signed by the portal for one list, so no value a client makes up from the
    # document is one the portal gave: it gets the documented 400 (test_pages checks that a real
    # cursor pages on). Every other check holds for such a request too.
    forged_cursor = bool(case.query and case.query.get("after"))
    excluded = [positive_data_acceptance] if forged_cursor else []
    case.call_and_validate(base_url=portal.url + "/api/v1", excluded_checks=excluded)
